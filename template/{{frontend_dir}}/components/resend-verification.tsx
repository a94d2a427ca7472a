"use client";

import { useState } from "react";
import { secondaryButtonStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { describeAuthError } from "@/lib/forms/auth-errors";

/** Mails the confirmation link to `email` again, and says what happened. */
export function ResendVerification({ email }: { email: string }) {
  const [state, setState] = useState<"idle" | "sending" | "sent">("idle");
  const [problem, setProblem] = useState<string>();

  async function resend() {
    setState("sending");
    setProblem(undefined);
    const { error } = await authClient
      .sendVerificationEmail({ email, callbackURL: "/dashboard" })
      .catch(() => ({ error: { message: "the server could not be reached" } }));
    setState(error ? "idle" : "sent");
    if (error) setProblem(describeAuthError(error, "Could not send the link").form);
  }

  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        className={secondaryButtonStyle}
        disabled={state === "sending"}
        aria-busy={state === "sending"}
        onClick={resend}
      >
        {state === "sending" ? "Sending…" : "Send the link again"}
      </button>
      <p aria-live="polite" className="text-sm">
        {state === "sent" ? `Sent to ${email}.` : problem}
      </p>
    </div>
  );
}

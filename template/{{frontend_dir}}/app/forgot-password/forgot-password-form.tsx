"use client";

import Link from "next/link";
import { useState } from "react";
import { EmailField, FormMessage, SubmitButton, linkStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { useAuthForm } from "@/lib/forms/use-auth-form";

/** Asks for a reset link. The answer is the same whether an account has this email or not. */
export function ForgotPasswordForm() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { errors, onSubmit, pending, disabled } = useAuthForm(
    async (form) => {
      const email = String(form.get("email"));
      const result = await authClient.requestPasswordReset({
        email,
        redirectTo: "/reset-password",
      });
      return { ...result, data: email };
    },
    (email) => setSentTo(String(email)),
    "Could not send the link",
  );

  if (sentTo) {
    return (
      <div role="status" className="space-y-4">
        <p>
          If an account uses <strong className="wrap-anywhere">{sentTo}</strong>, we sent it a link
          to choose a new password. It works once, within an hour.
        </p>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          No mail? Look in the spam folder, or{" "}
          <button type="button" className={linkStyle} onClick={() => setSentTo(null)}>
            ask again
          </button>
          .
        </p>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-5">
      <EmailField error={errors.fields.email} />
      <FormMessage>{errors.form}</FormMessage>
      <SubmitButton pending={pending} disabled={disabled}>
        {pending ? "Sending…" : "Send me a link"}
      </SubmitButton>
      <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
        Remembered it?{" "}
        <Link href="/login" className={linkStyle}>
          Sign in
        </Link>
      </p>
    </form>
  );
}

"use client";

import Link from "next/link";
import { useState } from "react";
import { ResendVerification } from "@/components/resend-verification";
import {
  EmailField,
  Field,
  FormMessage,
  NewPasswordField,
  SubmitButton,
  linkStyle,
} from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { NOT_SIGNED_IN_AFTER_SIGN_UP } from "@/lib/forms/auth-errors";
import { useAuthForm } from "@/lib/forms/use-auth-form";

/**
 * Better Auth answers a sign-up the same whether the address is new or taken, and starts no
 * session (lib/auth/sign-ups.ts): with `confirmFirst` the person follows the mailed link, else the
 * form signs in with what was typed, which only the account's owner can do.
 */
export function SignupForm({ confirmFirst }: { confirmFirst: boolean }) {
  // Set when the account needs its email confirmed before the first sign-in (no session yet).
  const [toConfirm, setToConfirm] = useState<string>();
  const { errors, onSubmit, pending, disabled } = useAuthForm(
    async (form) => {
      const email = String(form.get("email"));
      const password = String(form.get("password"));
      const signedUp = await authClient.signUp.email({
        name: String(form.get("name")),
        email,
        password,
        callbackURL: "/dashboard", // where the confirmation link leads
      });
      if (signedUp.error || confirmFirst) return signedUp;
      const signedIn = await authClient.signIn.email({ email, password });
      return signedIn.error?.code === "INVALID_EMAIL_OR_PASSWORD"
        ? { error: { code: NOT_SIGNED_IN_AFTER_SIGN_UP } }
        : signedIn;
    },
    (data) => {
      const answer = data as { user?: { email: string } } | null;
      if (confirmFirst && answer?.user) setToConfirm(answer.user.email);
      else window.location.assign("/dashboard");
    },
    "Could not create the account",
  );

  if (toConfirm) {
    return (
      <div role="status" className="space-y-4">
        <p>
          Almost there: we mailed a link to <strong className="wrap-anywhere">{toConfirm}</strong>.
          Follow it to confirm your email, and you are signed in.
        </p>
        <ResendVerification email={toConfirm} />
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-5">
      <Field name="name" label="Name" autoComplete="name" required error={errors.fields.name} />
      <EmailField error={errors.fields.email} />
      <NewPasswordField
        label="Password"
        hint="At least 8 characters."
        error={errors.fields.password}
      />
      <FormMessage>{errors.form}</FormMessage>
      <SubmitButton pending={pending} disabled={disabled}>
        {pending ? "Creating your account…" : "Create account"}
      </SubmitButton>
      <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
        Already have one?{" "}
        <Link href="/login" className={linkStyle}>
          Sign in
        </Link>
      </p>
    </form>
  );
}

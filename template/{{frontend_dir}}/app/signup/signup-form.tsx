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
import { useAuthForm } from "@/lib/use-auth-form";

export function SignupForm() {
  // Set when the account needs its email confirmed before the first sign-in (no session yet).
  const [toConfirm, setToConfirm] = useState<string>();
  const { errors, onSubmit, pending, disabled } = useAuthForm(
    (form) =>
      authClient.signUp.email({
        name: String(form.get("name")),
        email: String(form.get("email")),
        password: String(form.get("password")),
        callbackURL: "/dashboard", // where the confirmation link leads
      }),
    (data) => {
      const answer = data as { token: string | null; user: { email: string } } | null;
      if (answer && !answer.token) setToConfirm(answer.user.email);
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

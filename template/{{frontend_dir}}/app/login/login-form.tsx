"use client";

import Link from "next/link";
import { Field, FormMessage, SubmitButton, linkStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { useAuthForm } from "@/lib/use-auth-form";

export function LoginForm({ returnUrl }: { returnUrl: string }) {
  const { errors, onSubmit, pending, disabled } = useAuthForm(
    (form) =>
      authClient.signIn.email({
        email: String(form.get("email")),
        password: String(form.get("password")),
      }),
    returnUrl,
    "Could not sign in",
  );

  return (
    <form onSubmit={onSubmit} className="space-y-5">
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        error={errors.fields.email}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        error={errors.fields.password}
      />
      <FormMessage>{errors.form}</FormMessage>
      <SubmitButton pending={pending} disabled={disabled}>
        {pending ? "Signing in…" : "Sign in"}
      </SubmitButton>
      <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
        No account yet?{" "}
        <Link href="/signup" className={linkStyle}>
          Create one
        </Link>
      </p>
    </form>
  );
}

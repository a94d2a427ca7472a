"use client";

import Link from "next/link";
import { Field, FormMessage, SubmitButton, linkStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { useAuthForm } from "@/lib/use-auth-form";

export function SignupForm() {
  const { errors, onSubmit, pending, disabled } = useAuthForm(
    (form) =>
      authClient.signUp.email({
        name: String(form.get("name")),
        email: String(form.get("email")),
        password: String(form.get("password")),
      }),
    "/dashboard",
    "Could not create the account",
  );

  return (
    <form onSubmit={onSubmit} className="space-y-5">
      <Field name="name" label="Name" autoComplete="name" required error={errors.fields.name} />
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
        autoComplete="new-password"
        minLength={8}
        required
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

"use client";

import Link from "next/link";
import { authClient } from "@/lib/auth-client";
import { useAuthForm } from "@/lib/use-auth-form";

export function SignupForm() {
  const { error, onSubmit, disabled } = useAuthForm(
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
    <form onSubmit={onSubmit}>
      <label>
        Name
        <input name="name" autoComplete="name" required />
      </label>
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        Password (at least 8 characters)
        <input name="password" type="password" autoComplete="new-password" minLength={8} required />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={disabled}>
        Create account
      </button>
      <p>
        Already have one? <Link href="/login">Sign in</Link>
      </p>
    </form>
  );
}

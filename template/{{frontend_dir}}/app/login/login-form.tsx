"use client";

import Link from "next/link";
import { authClient } from "@/lib/auth-client";
import { useAuthForm } from "@/lib/use-auth-form";

export function LoginForm({ returnUrl }: { returnUrl: string }) {
  const { error, onSubmit, disabled } = useAuthForm(
    (form) =>
      authClient.signIn.email({
        email: String(form.get("email")),
        password: String(form.get("password")),
      }),
    returnUrl,
    "Could not sign in",
  );

  return (
    <form onSubmit={onSubmit}>
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={disabled}>
        Sign in
      </button>
      <p>
        No account yet? <Link href="/signup">Create one</Link>
      </p>
    </form>
  );
}

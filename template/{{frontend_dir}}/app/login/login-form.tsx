"use client";

import Link from "next/link";
import { useState } from "react";
import { ResendVerification } from "@/components/resend-verification";
import { EmailField, Field, FormMessage, SubmitButton, linkStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { useAuthForm } from "@/lib/forms/use-auth-form";
import { twoFactorUrl } from "@/lib/navigation";

export function LoginForm({ returnUrl }: { returnUrl: string }) {
  // The address of an account whose email is not confirmed yet, once sign-in said so.
  const [unconfirmed, setUnconfirmed] = useState<string>();
  const { errors, onSubmit, pending, disabled } = useAuthForm(
    async (form) => {
      const email = String(form.get("email"));
      const result = await authClient.signIn.email({
        email,
        password: String(form.get("password")),
      });
      setUnconfirmed(result.error?.code === "EMAIL_NOT_VERIFIED" ? email : undefined);
      return result;
    },
    // A person who turned two-factor sign-in on is asked for a code next: no session before it.
    (data) =>
      window.location.assign(
        (data as { twoFactorRedirect?: boolean } | null)?.twoFactorRedirect
          ? twoFactorUrl(returnUrl)
          : returnUrl,
      ),
    "Could not sign in",
  );

  return (
    <form onSubmit={onSubmit} className="space-y-5">
      <EmailField error={errors.fields.email} />
      {unconfirmed && <ResendVerification email={unconfirmed} />}
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        error={errors.fields.password}
      />
      <p className="-mt-3 text-right text-sm">
        <Link href="/forgot-password" className={linkStyle}>
          Forgot password?
        </Link>
      </p>
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

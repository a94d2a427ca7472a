"use client";

import Link from "next/link";
import { useState } from "react";
import { Field, FormMessage, SubmitButton, linkStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { useAuthForm } from "@/lib/forms/use-auth-form";
import { loginUrl } from "@/lib/navigation";

/** The second step of a sign-in: the authenticator's code, or one of the backup codes. */
export function TwoFactorForm({ returnUrl }: { returnUrl: string }) {
  const [backup, setBackup] = useState(false);
  const { errors, setErrors, onSubmit, pending, disabled } = useAuthForm(
    (form) => {
      const code = String(form.get("code")).trim();
      return backup
        ? authClient.twoFactor.verifyBackupCode({ code })
        : authClient.twoFactor.verifyTotp({ code });
    },
    returnUrl,
    "Could not sign in",
  );

  return (
    <form onSubmit={onSubmit} className="space-y-5">
      {backup ? (
        <Field
          key="backup"
          name="code"
          label="Backup code"
          autoComplete="off"
          spellCheck={false}
          required
          hint="One of the codes you saved when you turned two-factor sign-in on. Each works once."
          error={errors.fields.code}
        />
      ) : (
        <Field
          key="totp"
          name="code"
          label="Code from your authenticator app"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          autoFocus
          error={errors.fields.code}
        />
      )}
      <FormMessage>{errors.form}</FormMessage>
      <SubmitButton pending={pending} disabled={disabled}>
        {pending ? "Checking…" : "Sign in"}
      </SubmitButton>
      <div className="flex flex-wrap justify-between gap-2 text-sm">
        <button
          type="button"
          className={linkStyle}
          onClick={() => {
            setBackup(!backup);
            setErrors({ fields: {} });
          }}
        >
          {backup ? "Use the app's code" : "Lost your authenticator? Use a backup code"}
        </button>
        <Link href={loginUrl(returnUrl)} className={linkStyle}>
          Start again
        </Link>
      </div>
    </form>
  );
}

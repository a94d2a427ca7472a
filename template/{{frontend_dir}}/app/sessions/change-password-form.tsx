"use client";

import { Field, FormMessage, NewPasswordField, SubmitButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { useAuthForm } from "@/lib/forms/use-auth-form";

/** A new password, which also ends every other session (this device goes on in a new one). */
export function ChangePasswordForm() {
  const { errors, onSubmit, pending, disabled } = useAuthForm(
    (form) =>
      authClient.changePassword({
        currentPassword: String(form.get("currentPassword")),
        newPassword: String(form.get("password")),
        revokeOtherSessions: true,
      }),
    "/sessions",
    "Could not change the password",
  );

  return (
    <form onSubmit={onSubmit} className="max-w-md space-y-5">
      <Field
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        error={errors.fields.currentPassword}
      />
      <NewPasswordField
        label="New password"
        hint="At least 8 characters. Your other sessions end."
        error={errors.fields.password}
      />
      <FormMessage>{errors.form}</FormMessage>
      <SubmitButton pending={pending} disabled={disabled}>
        {pending ? "Changing…" : "Change password"}
      </SubmitButton>
    </form>
  );
}

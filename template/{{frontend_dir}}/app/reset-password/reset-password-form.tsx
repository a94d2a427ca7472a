"use client";

import { useState } from "react";
import { FormMessage, NewPasswordField, SubmitButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { INVALID_TOKEN } from "@/lib/forms/auth-errors";
import { useAuthForm } from "@/lib/forms/use-auth-form";
import { ExpiredLink } from "./expired-link";

export function ResetPasswordForm({ token }: { token: string }) {
  const [expired, setExpired] = useState(false);
  const { errors, onSubmit, pending, disabled } = useAuthForm(
    async (form) => {
      const newPassword = String(form.get("password"));
      if (newPassword !== String(form.get("confirmPassword"))) {
        return { error: { code: "PASSWORDS_DIFFER" } };
      }
      const result = await authClient.resetPassword({ newPassword, token });
      if (result.error?.code === INVALID_TOKEN) setExpired(true);
      return result;
    },
    "/login?reset=done",
    "Could not set the password",
  );

  if (expired) return <ExpiredLink />;
  return (
    <form onSubmit={onSubmit} className="space-y-5">
      <NewPasswordField
        label="New password"
        hint="At least 8 characters. You are signed out everywhere else."
        error={errors.fields.password}
      />
      <NewPasswordField
        name="confirmPassword"
        label="The new password again"
        error={errors.fields.confirmPassword}
      />
      <FormMessage>{errors.form}</FormMessage>
      <SubmitButton pending={pending} disabled={disabled}>
        {pending ? "Saving…" : "Set the new password"}
      </SubmitButton>
    </form>
  );
}

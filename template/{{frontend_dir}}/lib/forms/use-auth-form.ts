"use client";

import { type FormEvent, useState } from "react";
import { type AuthError, describeAuthError, type FormErrors } from "./auth-errors.ts";
import { useHydrated } from "./use-hydrated.ts";

type AuthResult = { data?: unknown; error: AuthError | null };
/** Where a form leads once sent: a page (loaded whole), or what to do with Better Auth's answer. */
type Done = string | ((data: unknown) => void);

/**
 * The submit handling the sign-in and sign-up forms share: send the form to Better Auth, show
 * its errors next to their fields and move the focus to the first one, or go to `done` with a
 * full page load (nothing rendered or cached for the signed-out visitor survives), or call it.
 * The form stays disabled until React runs and while it is sent.
 */
export function useAuthForm(
  send: (form: FormData) => Promise<AuthResult>,
  done: Done,
  failure: string,
) {
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setPending(true);
    setErrors({ fields: {} });
    let result: AuthResult;
    try {
      result = await send(new FormData(form));
    } catch {
      result = { error: { message: "the server could not be reached" } };
    }
    setPending(false);
    if (!result.error) {
      if (typeof done === "string") window.location.assign(done);
      else done(result.data);
      return;
    }
    const described = describeAuthError(result.error, failure);
    setErrors(described);
    const firstField = Object.keys(described.fields)[0];
    const target = firstField ? form.elements.namedItem(firstField) : null;
    if (target instanceof HTMLElement) target.focus();
  }

  return { errors, setErrors, onSubmit, pending, disabled: pending || !hydrated };
}

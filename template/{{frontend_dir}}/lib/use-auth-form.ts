"use client";

import { type FormEvent, useState } from "react";
import { useHydrated } from "./use-hydrated.ts";

type AuthResult = { error: { message?: string } | null };

/**
 * The submit handling the sign-in and sign-up forms share: send the form to Better Auth, show its
 * error, or go to `destination` with a full page load (nothing rendered or cached for the
 * signed-out visitor survives). The form stays disabled until React runs and while it is sent.
 */
export function useAuthForm(
  send: (form: FormData) => Promise<AuthResult>,
  destination: string,
  failure: string,
) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    const { error } = await send(new FormData(event.currentTarget));
    setPending(false);
    if (error) {
      setError(error.message ?? failure);
      return;
    }
    window.location.assign(destination);
  }

  return { error, onSubmit, disabled: pending || !hydrated };
}

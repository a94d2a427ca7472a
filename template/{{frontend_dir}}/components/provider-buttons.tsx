"use client";

import { useState } from "react";
import { secondaryButtonStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { stillToSet } from "@/lib/auth/providers/provider";
import type { ProviderButton } from "@/lib/auth/providers/setup";

/**
 * "Continue with ..." for each sign-in provider; one whose settings are not all set says which
 * (README, Sign-in providers) instead of failing when pressed. Better Auth returns to `errorPage`
 * with `?error=` when the provider or the check of its answer fails.
 */
export function ProviderButtons({
  providers,
  returnUrl,
  errorPage,
}: {
  providers: readonly ProviderButton[];
  returnUrl: string;
  errorPage: string;
}) {
  const [leaving, setLeaving] = useState<string>();
  if (providers.length === 0) return null;
  return (
    <div className="space-y-3">
      {providers.map((provider) =>
        provider.missing.length === 0 ? (
          <button
            key={provider.id}
            type="button"
            data-provider={provider.id}
            className={`${secondaryButtonStyle} w-full`}
            disabled={leaving !== undefined}
            aria-busy={leaving === provider.id}
            onClick={async () => {
              setLeaving(provider.id);
              const result = await authClient.signIn.social({
                provider: provider.id,
                callbackURL: returnUrl,
                errorCallbackURL: errorPage,
              });
              if (result.error) setLeaving(undefined);
            }}
          >
            Continue with {provider.name}
          </button>
        ) : (
          <p
            key={provider.id}
            data-provider={provider.id}
            className="rounded-lg border border-dashed border-zinc-300 px-4 py-2 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400"
          >
            {provider.name} sign-in is off until {stillToSet(provider.missing)} (README, Sign-in
            providers).
          </p>
        ),
      )}
      <p className="flex items-center gap-3 text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
        <span aria-hidden="true" className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
        or with your email
        <span aria-hidden="true" className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
      </p>
    </div>
  );
}

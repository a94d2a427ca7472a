"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Card, FormMessage, secondaryButtonStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { stillToSet } from "@/lib/auth/providers/provider";

/** One way to sign in: the password, or a provider; linked to this account or not. */
export interface SignInMethod {
  id: string;
  name: string;
  /** Better Auth's id of the linked account (what unlinking names), when it is linked. */
  accountId?: string;
  /** Settings the provider still needs before it can be linked (none for a linked one). */
  missing: readonly string[];
}

function statusOf(method: SignInMethod): string {
  if (method.accountId) return "signs you in";
  if (method.id === "credential") return "no password yet";
  return method.missing.length ? `off until ${stillToSet(method.missing)}` : "not linked";
}

/**
 * The ways this account signs in, each provider linked or unlinked here. Better Auth refuses to
 * unlink the last one, and links a provider only when it has verified the same email address.
 */
export function SignInMethods({ methods }: { methods: readonly SignInMethod[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const linkedCount = methods.filter((method) => method.accountId).length;

  async function unlink(method: SignInMethod, accountId: string) {
    setBusy(method.id);
    const result = await authClient.unlinkAccount({ accountId });
    setBusy(undefined);
    setMessage(
      result.error
        ? `${method.name} could not be unlinked: ${result.error.message ?? "try again"}.`
        : `${method.name} is unlinked: it no longer signs you in.`,
    );
    router.refresh();
  }

  async function link(method: SignInMethod) {
    setBusy(method.id);
    const result = await authClient.linkSocial({
      provider: method.id,
      callbackURL: "/sessions",
      errorCallbackURL: "/sessions",
    });
    if (result.error) {
      setBusy(undefined);
      setMessage(`${method.name} could not be linked: ${result.error.message ?? "try again"}.`);
    }
  }

  return (
    <Card aria-label="Ways to sign in">
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {methods.map((method) => (
          <li
            key={method.id}
            data-method={method.id}
            className="flex flex-wrap items-center justify-between gap-3 py-3 first:pt-0 last:pb-0"
          >
            <span>
              <span className="font-medium">{method.name}</span>{" "}
              <span className="text-sm text-zinc-600 dark:text-zinc-400">{statusOf(method)}</span>
            </span>
            {method.id !== "credential" &&
              (method.accountId ? (
                <button
                  type="button"
                  className={secondaryButtonStyle}
                  disabled={busy !== undefined || linkedCount < 2}
                  title={linkedCount < 2 ? "Your only way to sign in stays linked" : undefined}
                  onClick={() => method.accountId && unlink(method, method.accountId)}
                >
                  Unlink<span className="sr-only"> {method.name}</span>
                </button>
              ) : (
                method.missing.length === 0 && (
                  <button
                    type="button"
                    className={secondaryButtonStyle}
                    disabled={busy !== undefined}
                    onClick={() => link(method)}
                  >
                    Link<span className="sr-only"> {method.name}</span>
                  </button>
                )
              ))}
          </li>
        ))}
      </ul>
      <FormMessage>{message}</FormMessage>
    </Card>
  );
}

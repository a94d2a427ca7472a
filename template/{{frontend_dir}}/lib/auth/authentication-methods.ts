import type { BetterAuthPlugin } from "better-auth";

/**
 * How each session signed in, as RFC 8176 `amr` values: "pwd" (a password), "otp" (a one-time
 * code: the authenticator's, or a backup code), "swk" and "mfa" (a passkey that verified the
 * person: a key and a PIN or biometrics). The token carries them (`amr`), and the API lets an
 * endpoint require a second factor ([mfa]). Kept on the session row (`amr`, space-separated),
 * set by the server when the session is made: never by what a client sends.
 */
export type AuthenticationMethod = "pwd" | "otp" | "swk" | "mfa";

/** What a sign-in on each path proves. A path not named here proves none that we know of. */
const SIGN_IN: Record<string, readonly AuthenticationMethod[]> = {
  "/sign-in/email": ["pwd"],
  // A second factor follows the password (the only sign-in the two-factor plugin challenges).
  "/two-factor/verify-totp": ["pwd", "otp"],
  "/two-factor/verify-backup-code": ["pwd", "otp"],
  // A passkey is refused unless its authenticator verified the person (lib/auth/passkeys.ts).
  "/passkey/verify-authentication": ["swk", "mfa"],
};

/** What a signed-in person proves on each path, when Better Auth replaces their session. */
const WITHIN_SESSION: Record<string, readonly AuthenticationMethod[]> = {
  // Confirming the authenticator while turning two-factor on.
  "/two-factor/verify-totp": ["otp"],
  "/change-password": ["pwd"],
};

/**
 * The methods of a session made on `path`: for a sign-in (`replaced` undefined), what that sign-in
 * proves; for a session that replaces another, what the old one had and what was proven now (a
 * provider's session that confirms an authenticator gets otp, not pwd). A provider's sign-in, or
 * a mailed link's, proves none of these.
 */
export function methodsOf(path: string | undefined, replaced?: readonly string[]): string[] {
  const table = replaced ? WITHIN_SESSION : SIGN_IN;
  return [...new Set([...(replaced ?? []), ...((path && table[path]) || [])])];
}

/** How a session signed in, as its sessions page line says it. */
export function describeMethods(stored: unknown): string {
  const methods = readMethods(stored);
  if (methods.includes("swk")) return "a passkey";
  if (methods.includes("pwd") && methods.includes("otp")) return "a password and a code";
  if (methods.includes("pwd")) return "a password";
  return "a sign-in provider or a mailed link";
}

/** The stored form of a session's methods, and back. */
export function storedMethods(methods: readonly string[]): string {
  return methods.join(" ");
}

export function readMethods(stored: unknown): string[] {
  return typeof stored === "string" ? stored.split(" ").filter(Boolean) : [];
}

/**
 * The `amr` field of each session, written when Better Auth makes the session (any path: sign-in,
 * a second factor, a replaced session).
 */
export function authenticationMethods() {
  return {
    id: "authentication-methods",
    schema: {
      session: {
        fields: {
          // No default: Better Auth would write it over the fields of a session being replaced.
          amr: { type: "string", required: false, input: false },
        },
      },
    },
    init: () => ({
      options: {
        databaseHooks: {
          session: {
            create: {
              before: async (session, ctx) => {
                // A replaced session is made from the old one's fields (amr among them), or
                // replaces this request's session; a sign-in has neither.
                const current = ctx?.context.session?.session as { amr?: unknown } | undefined;
                const previous = (session as { amr?: unknown }).amr ?? current?.amr;
                const replaced = typeof previous === "string" ? readMethods(previous) : undefined;
                const amr = storedMethods(methodsOf(ctx?.path, replaced));
                return { data: { ...session, amr } };
              },
            },
          },
        },
      },
    }),
  } satisfies BetterAuthPlugin;
}

import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";

/**
 * A session's token is the secret its cookie carries (httpOnly: no script can read it). Better
 * Auth also puts it in some answers' bodies, which a script can read: the session
 * (`/get-session`), the list of sessions (`/list-sessions`), a sign-in or sign-up. This takes it
 * out of what those answer over HTTP; the server's own calls (`auth.api.*`, which the sessions
 * page uses to end another session) still get it.
 */
const ANSWERS_WITH_TOKENS = new Set([
  "/get-session",
  "/list-sessions",
  "/sign-in/email",
  "/sign-up/email",
]);

type WithToken = { token?: unknown };

function withoutToken(value: unknown): Record<string, unknown> | unknown[] | null {
  if (Array.isArray(value)) return value.map(withoutToken);
  if (!value || typeof value !== "object") return null;
  const { token: _token, ...rest } = value as WithToken & Record<string, unknown>;
  if ("session" in rest) rest.session = withoutToken(rest.session);
  return rest;
}

export function sessionTokensStayInCookies() {
  return {
    id: "session-tokens",
    hooks: {
      after: [
        {
          matcher: (ctx) => ANSWERS_WITH_TOKENS.has(ctx.path ?? "") && ctx.request !== undefined,
          handler: createAuthMiddleware(async (ctx) => {
            const answer = ctx.context.returned;
            if (!answer || answer instanceof Error || answer instanceof Response) return;
            return ctx.json(withoutToken(answer));
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";

/**
 * At most a few mails to one address in a while, whoever asks: Better Auth's own limits count
 * per client, and many clients could still flood one inbox. Counted in Better Auth's rateLimit
 * table (every instance shares it), under the key `mail:<address>`, whether the account exists
 * or not (the answer says nothing about it).
 */
export interface MailRule {
  windowSeconds: number;
  max: number;
}

/** One address's count: how many mails since the window began (epoch ms). */
export interface MailWindow {
  count: number;
  start: number;
}

export type MailDecision =
  { allowed: true; window: MailWindow } | { allowed: false; retryAfterSeconds: number };

export const MAIL_RULE: MailRule = { windowSeconds: 15 * 60, max: 3 };

/** The endpoints that send a mail to the address in their body. */
export const MAIL_PATHS = new Set(["/request-password-reset", "/send-verification-email"]);

/** Whether one more mail may go to an address whose count is `previous`, at `now` (epoch ms). */
export function decideMail(previous: MailWindow | null, now: number, rule: MailRule): MailDecision {
  const windowMs = rule.windowSeconds * 1000;
  if (!previous || now - previous.start >= windowMs || now < previous.start) {
    return { allowed: true, window: { count: 1, start: now } };
  }
  if (previous.count >= rule.max) {
    return {
      allowed: false,
      retryAfterSeconds: Math.ceil((previous.start + windowMs - now) / 1000),
    };
  }
  return { allowed: true, window: { count: previous.count + 1, start: previous.start } };
}

interface RateLimitRow {
  key: string;
  count: number;
  lastRequest: number;
}

export function mailLimits(rule: MailRule = MAIL_RULE) {
  return {
    id: "mail-limits",
    hooks: {
      before: [
        {
          matcher: (ctx) => MAIL_PATHS.has(ctx.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const email: unknown = (ctx.body as { email?: unknown } | undefined)?.email;
            // Without an email in the body, Better Auth answers (the session's user, or 400).
            if (typeof email !== "string") return;
            const key = `mail:${email.trim().toLowerCase()}`;
            const adapter = ctx.context.adapter;
            const row = await adapter.findOne<RateLimitRow>({
              model: "rateLimit",
              where: [{ field: "key", value: key }],
            });
            // lastRequest holds when this address's window began.
            const previous = row ? { count: row.count, start: Number(row.lastRequest) } : null;
            const decision = decideMail(previous, Date.now(), rule);
            if (!decision.allowed) {
              ctx.setHeader("X-Retry-After", String(decision.retryAfterSeconds));
              throw new APIError("TOO_MANY_REQUESTS", {
                code: "TOO_MANY_EMAILS",
                message: "Too many emails to this address: wait a few minutes, then try again.",
              });
            }
            const data = { count: decision.window.count, lastRequest: decision.window.start };
            if (row) {
              await adapter.update({
                model: "rateLimit",
                where: [{ field: "key", value: key }],
                update: data,
              });
            } else {
              await adapter.create({ model: "rateLimit", data: { key, ...data } });
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

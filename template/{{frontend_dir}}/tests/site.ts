import { randomBytes } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { expect, vi } from "vitest";
import type { SessionStore } from "../lib/auth/options.ts";
import type { ProviderSetup } from "../lib/auth/providers/setup.ts";
import type { Mail } from "../lib/mail/transport.ts";

/**
 * The site's Better Auth for a test: this project's own options (lib/auth/options.ts) on a real
 * (in-memory) SQLite database, answering real HTTP requests; mail is kept instead of sent.
 */
export const ORIGIN = "http://localhost:3000";
const SECRET = randomBytes(32).toString("hex");
// shared_secret mode's, if this is that mode: random, as setup makes it (a repeated one is refused)
process.env.API_JWT_SECRET ??= randomBytes(32).toString("hex");

export type Mode = "off" | "optional" | "required";

/**
 * rateLimited: Better Auth's own limits on, as in production (they count per path here);
 * sessionStore: where sessions are read first (none: the database alone).
 */
export async function makeSite(
  mode: Mode = "optional",
  providers: readonly ProviderSetup[] = [],
  { rateLimited = false, sessionStore = {} as SessionStore } = {},
) {
  vi.resetModules(); // lib/config.ts reads EMAIL_VERIFICATION once
  process.env.EMAIL_VERIFICATION = mode;
  process.env.BETTER_AUTH_URL = ORIGIN; // the site is here, whatever .env.local says
  const { authOptions } = await import("../lib/auth/options.ts");
  const mails: Mail[] = [];
  const options = authOptions({
    database: new DatabaseSync(":memory:"),
    sessionStore,
    secret: SECRET,
    sendMail: async (mail) => {
      mails.push(mail);
    },
    providers,
  });
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const auth = betterAuth(
    rateLimited ? { ...options, rateLimit: { ...options.rateLimit, enabled: true } } : options,
  );

  /** A browser of its own: its cookies, and what Better Auth answers it over HTTP. */
  function browser() {
    const cookies = new Map<string, string>();
    function cookieHeader() {
      return [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    function keep(response: Response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(";");
        const [name, value] = pair.split("=");
        cookies.set(name, value);
      }
    }
    async function send(path: string, body?: object) {
      const response = await auth.handler(
        new Request(`${ORIGIN}/api/auth${path}`, {
          method: body ? "POST" : "GET",
          headers: {
            origin: ORIGIN,
            "content-type": "application/json",
            cookie: cookieHeader(),
          },
          body: body ? JSON.stringify(body) : undefined,
        }),
      );
      keep(response);
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    }
    /** Follow a mailed link as a browser does: Better Auth's redirect, cookies kept. */
    async function follow(link: string) {
      const response = await auth.handler(new Request(link, { headers: { origin: ORIGIN } }));
      keep(response);
      return response;
    }
    /** A redirect back from a sign-in provider, with this browser's cookies (its OAuth state). */
    async function returnTo(link: string) {
      const response = await auth.handler(
        new Request(link, { headers: { cookie: cookieHeader() } }),
      );
      keep(response);
      return response;
    }
    return { send, follow, returnTo, cookies };
  }

  /** The mails to `to` whose subject has `subject`, once `count` of them arrived. */
  async function mailsTo(to: string, subject: string, count = 1) {
    const matching = () => mails.filter((m) => m.to === to && m.subject.includes(subject));
    await vi.waitFor(() => expect(matching().length).toBe(count));
    return matching();
  }

  return { auth, mails, browser, mailsTo };
}

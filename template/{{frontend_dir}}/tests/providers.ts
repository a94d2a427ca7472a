import { randomBytes } from "node:crypto";
import { setupServer } from "msw/node";
import type { RequestHandler } from "msw";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { customClaimFields } from "../lib/auth/claims.ts";
import type { SignInProvider } from "../lib/auth/providers/provider.ts";
import { setUpProviders } from "../lib/auth/providers/setup.ts";
import { ORIGIN, makeSite } from "./site.ts";

/**
 * A sign-in provider whose endpoints Better Auth hard-codes (GitHub's, Google's), answered by
 * msw in this process: its server-side fetches never leave the machine, and any request no
 * handler expects fails the test.
 */
export function interceptProvider(handlers: () => RequestHandler[]) {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return { use: () => server.use(...handlers()) };
}

/** The site with this one provider set up, as random client credentials would. */
export async function siteWith(provider: SignInProvider) {
  const values = Object.fromEntries(
    provider.settings.map((name) => [name, randomBytes(12).toString("hex")]),
  );
  return makeSite(
    "optional",
    setUpProviders([provider], (name) => values[name]),
  );
}

type Browser = ReturnType<Awaited<ReturnType<typeof makeSite>>["browser"]>;

/**
 * A sign-in with the provider as a browser goes through it: Better Auth's redirect to the
 * provider (its `state` checked below), then the provider's redirect back with a code (or
 * `tamper` changes what comes back). The answer is where Better Auth sends the browser next.
 */
export async function signInWith(
  browser: Browser,
  providerId: string,
  tamper: (back: URL) => void = () => {},
) {
  const started = await browser.send("/sign-in/social", {
    provider: providerId,
    callbackURL: "/dashboard",
    errorCallbackURL: "/login",
  });
  expect(started.status).toBe(200);
  const authorize = new URL(started.body.url);
  const state = authorize.searchParams.get("state");
  expect(state).toBeTruthy();
  expect(authorize.searchParams.get("redirect_uri")).toBe(
    `${ORIGIN}/api/auth/callback/${providerId}`,
  );
  const back = new URL(`${ORIGIN}/api/auth/callback/${providerId}`);
  back.searchParams.set("code", randomBytes(8).toString("hex"));
  back.searchParams.set("state", state ?? "");
  tamper(back);
  const landed = await browser.returnTo(back.href);
  expect(landed.status).toBe(302);
  return new URL(landed.headers.get("location") ?? "", ORIGIN);
}

/** The custom claims a new account gets from the server, whoever signs it up and however. */
export function claimDefaults(): Record<string, unknown> {
  const fields: Record<string, { defaultValue?: unknown }> = customClaimFields;
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, field]) => field.defaultValue !== undefined)
      .map(([name, field]) => [name, field.defaultValue]),
  );
}

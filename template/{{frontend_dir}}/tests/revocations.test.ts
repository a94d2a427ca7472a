import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type RevocationListPayload, revocationList } from "../lib/revocations.ts";

// Real Better Auth on a real (in-memory) SQLite database, with the plugin as lib/auth.ts adds it;
// the list is "signed" as plain JSON here (the token modes' signers are tested end to end).
const TOKEN_LIFETIME_SECONDS = 900;

async function makeAuth() {
  const options = {
    baseURL: "http://localhost:3000",
    secret: "a-test-secret-that-is-long-enough-for-better-auth-1234567890",
    database: new DatabaseSync(":memory:"),
    emailAndPassword: { enabled: true },
    user: { deleteUser: { enabled: true } },
    plugins: [
      revocationList({
        sign: async (_ctx, payload) => JSON.stringify(payload),
        tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
      }),
    ],
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  return betterAuth(options);
}

type Auth = Awaited<ReturnType<typeof makeAuth>>;

let auth: Auth;
const password = "correct-horse-battery";

beforeEach(async () => {
  auth = await makeAuth();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A new user's first session: the headers a browser would send, and the session's id. */
async function signUp(email = "ann@example.com") {
  const { headers, response } = await auth.api.signUpEmail({
    body: { email, password, name: "Ann" },
    returnHeaders: true,
  });
  return { ...(await sessionOf(headers)), userId: response.user.id };
}

async function signIn(email = "ann@example.com") {
  const { headers } = await auth.api.signInEmail({
    body: { email, password },
    returnHeaders: true,
  });
  return sessionOf(headers);
}

async function sessionOf(setCookie: Headers) {
  const cookie = setCookie.getSetCookie().map((line) => line.split(";")[0]);
  const headers = new Headers({ cookie: cookie.join("; ") });
  const session = await auth.api.getSession({ headers });
  return { headers, sessionId: session!.session.id };
}

async function listed(): Promise<RevocationListPayload> {
  const { list } = await auth.api.getRevocationList();
  return JSON.parse(list) as RevocationListPayload;
}

describe("the revocation list", () => {
  it("lists a session that signs out, until its tokens can no longer be valid", async () => {
    const laptop = await signUp();
    const phone = await signIn();
    await auth.api.signOut({ headers: laptop.headers });

    const list = await listed();
    expect(Object.keys(list.sessions)).toEqual([laptop.sessionId]);
    const until = list.sessions[laptop.sessionId] * 1000;
    expect(until - Date.now()).toBeGreaterThan(TOKEN_LIFETIME_SECONDS * 1000);
    expect(list.exp - list.iat).toBe(60);

    vi.useFakeTimers({ now: until + 1000, toFake: ["Date"] });
    expect((await listed()).sessions).toEqual({});
    expect(phone.sessionId).not.toBe(laptop.sessionId);
  });

  it("lists every session of a user who signs out everywhere, past Better Auth's 100-row limit and one query's chunk", async () => {
    const first = await signUp();
    const context = await auth.$context;
    const more = [];
    for (let i = 0; i < 520; i++) {
      more.push((await context.internalAdapter.createSession(first.userId)).id);
    }
    await auth.api.revokeSessions({ headers: first.headers });

    expect(Object.keys((await listed()).sessions).sort()).toEqual(
      [first.sessionId, ...more].sort(),
    );
  });

  it("lists the other sessions, not the caller's, on revoke-other-sessions", async () => {
    const laptop = await signUp();
    const phone = await signIn();
    const tablet = await signIn();
    await auth.api.revokeOtherSessions({ headers: laptop.headers });

    expect(Object.keys((await listed()).sessions).sort()).toEqual(
      [phone.sessionId, tablet.sessionId].sort(),
    );
  });

  it("lists every session ended by a password change that revokes the others", async () => {
    const laptop = await signUp();
    const phone = await signIn();
    await auth.api.changePassword({
      headers: laptop.headers,
      body: {
        currentPassword: password,
        newPassword: "another-correct-horse",
        revokeOtherSessions: true,
      },
    });

    expect(Object.keys((await listed()).sessions).sort()).toEqual(
      [laptop.sessionId, phone.sessionId].sort(),
    );
  });

  it("lists nothing when a password change is refused", async () => {
    const laptop = await signUp();
    await signIn();
    await expect(
      auth.api.changePassword({
        headers: laptop.headers,
        body: {
          currentPassword: "wrong-password-here",
          newPassword: "x-another-horse",
          revokeOtherSessions: true,
        },
      }),
    ).rejects.toThrow();

    expect((await listed()).sessions).toEqual({});
  });

  it("lists every session of a deleted user", async () => {
    const laptop = await signUp();
    const phone = await signIn();
    await auth.api.deleteUser({ headers: laptop.headers, body: { password } });

    expect(Object.keys((await listed()).sessions).sort()).toEqual(
      [laptop.sessionId, phone.sessionId].sort(),
    );
  });
});

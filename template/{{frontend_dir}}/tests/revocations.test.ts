import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  LIST_LIFETIME_SECONDS,
  ListCache,
  REBUILD_LIST_MS,
  type RevocationListPayload,
  revocationList,
} from "../lib/revocations.ts";

// Real Better Auth on a real (in-memory) SQLite database, with the plugin as lib/auth-options.ts adds it;
// the list is "signed" as plain JSON here (the token modes' signers are tested end to end).
const TOKEN_LIFETIME_SECONDS = 900;

let database: DatabaseSync;

async function makeAuth() {
  database = new DatabaseSync(":memory:");
  const options = {
    baseURL: "http://localhost:3000",
    secret: "a-test-secret-that-is-long-enough-for-better-auth-1234567890",
    database,
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

  it("ends and lists every other session on revoke-other-sessions, past Better Auth's 100-row limit", async () => {
    const laptop = await signUp();
    const context = await auth.$context;
    const others = [];
    for (let i = 0; i < 104; i++) {
      others.push((await context.internalAdapter.createSession(laptop.userId)).id);
    }
    await auth.api.revokeOtherSessions({ headers: laptop.headers });

    const left = await context.adapter.findMany<{ id: string }>({
      model: "session",
      where: [{ field: "userId", value: laptop.userId }],
      limit: 1000,
    });
    expect(left.map((session) => session.id)).toEqual([laptop.sessionId]);
    expect(Object.keys((await listed()).sessions).sort()).toEqual(others.sort());
  });

  it("keeps a session listed as long as the tokens it minted after being listed live", async () => {
    // A session listed but still alive (as the 101st session was before revoke-other-sessions
    // ended them all) goes on minting tokens; ended later, its entry must cover those too.
    const laptop = await signUp();
    const phone = await signIn();
    const context = await auth.$context;
    vi.useFakeTimers({ toFake: ["Date"] });
    await context.adapter.create({
      model: "revokedSession",
      data: { sessionId: phone.sessionId, expiresAt: new Date(Date.now() + 10_000) },
    });
    vi.setSystemTime(Date.now() + 60_000);
    await auth.api.signOut({ headers: phone.headers });

    const until = (await listed()).sessions[phone.sessionId] * 1000;
    expect(until - Date.now()).toBeGreaterThan(TOKEN_LIFETIME_SECONDS * 1000);
    expect(laptop.sessionId).not.toBe(phone.sessionId);
  });

  it("serves a list of any size: 100,001 ended sessions", async () => {
    await signUp();
    await auth.api.signOut({ headers: (await signIn()).headers }); // one row, as Better Auth writes it
    const sample = database.prepare('SELECT "expiresAt" FROM "revokedSession"').get() as {
      expiresAt: unknown;
    };
    const insert = database.prepare(
      'INSERT INTO "revokedSession" ("id", "sessionId", "expiresAt") VALUES (?, ?, ?)',
    );
    database.exec("BEGIN");
    for (let i = 0; i < 100_000; i++) {
      insert.run(`row-${i}`, `ended-${i}`, sample.expiresAt as string);
    }
    database.exec("COMMIT");

    expect(Object.keys((await listed()).sessions)).toHaveLength(100_001);
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

describe("the list as callers get it", () => {
  it("is built once for many callers at once, and once per interval", async () => {
    const cache = new ListCache();
    let builds = 0;
    const build = async () => {
      builds += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return `list ${builds}`;
    };
    const now = Date.now();
    const first = await Promise.all(Array.from({ length: 40 }, () => cache.get(build, now)));
    expect(new Set(first)).toEqual(new Set(["list 1"]));
    expect(await cache.get(build, now + REBUILD_LIST_MS - 1)).toBe("list 1");
    expect(builds).toBe(1);
  });

  it("gives whoever asks while a build runs the last list, and waits only the one who started it", async () => {
    const cache = new ListCache();
    await cache.get(async () => "old", 0);
    let finish: (list: string) => void = () => {};
    const slow = () => new Promise<string>((resolve) => (finish = resolve));
    const later = REBUILD_LIST_MS + 1;
    const starter = cache.get(slow, later); // starts the rebuild, and waits for it
    expect(await cache.get(slow, later + 1)).toBe("old"); // one rebuild, not two
    finish("new");
    expect(await starter).toBe("new");
    expect(await cache.get(slow, later + 2)).toBe("new");
  });

  it("waits for a new list rather than serve one past its lifetime, and keeps the last after a failed build", async () => {
    const cache = new ListCache();
    await cache.get(async () => "old", 0);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    let fail: (error: Error) => void = () => {};
    const failing = () => new Promise<string>((_, reject) => (fail = reject));
    const starter = cache.get(failing, REBUILD_LIST_MS + 1);
    expect(await cache.get(failing, REBUILD_LIST_MS + 2)).toBe("old");
    const tooOld = cache.get(failing, LIST_LIFETIME_SECONDS * 1000 + 1);
    fail(new Error("database down"));
    await expect(starter).rejects.toThrow("database down");
    await expect(tooOld).rejects.toThrow("database down");
    expect(error.mock.calls[0][0]).toContain("database down");
    expect(await cache.get(async () => "new", LIST_LIFETIME_SECONDS * 1000 + 2)).toBe("new");
    error.mockRestore();
  });
});

import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  CHANGES_STEP_SECONDS,
  COMMITTED_SECONDS,
  LIST_LIFETIME_SECONDS,
  ListCache,
  MAX_CHANGES,
  MAX_CHANGES_SECONDS,
  REBUILD_LIST_MS,
  type RevocationListPayload,
  revocationList,
} from "../lib/auth/revocations.ts";

// Real Better Auth on a real (in-memory) SQLite database, with the plugin as lib/auth/options.ts adds it;
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
    user: {
      deleteUser: { enabled: true },
      // A claim as lib/auth/claims.ts declares one: set by the server only.
      additionalFields: { role: { type: "string", required: false, input: false } as const },
    },
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

async function listed(since?: number | string): Promise<RevocationListPayload> {
  const query = since === undefined ? {} : { since: String(since) };
  const { list } = await auth.api.getRevocationList({ query });
  return JSON.parse(list) as RevocationListPayload;
}

const seconds = (date: number) => Math.floor(date / 1000);

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
    const before = seconds(Date.now()) - 1;
    await auth.api.signOut({ headers: phone.headers });

    const until = (await listed()).sessions[phone.sessionId] * 1000;
    expect(until - Date.now()).toBeGreaterThan(TOKEN_LIFETIME_SECONDS * 1000);
    // Listed again, it is a change since then, with its later end.
    expect((await listed(before)).sessions).toEqual({ [phone.sessionId]: until / 1000 });
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
  }, 30_000); // 100,000 rows written and read: seconds on a busy machine

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

  it("answers, since a moment, only the sessions ended after it, and says until when it is complete", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const laptop = await signUp();
    const phone = await signIn();
    await auth.api.signOut({ headers: laptop.headers });
    vi.setSystemTime(Date.now() + 60_000);
    const whole = await listed();
    expect(whole.since).toBeUndefined();
    expect(whole.through).toBe(whole.iat - COMMITTED_SECONDS);
    vi.setSystemTime(Date.now() + 1_000);
    await auth.api.signOut({ headers: phone.headers });

    const changes = await listed(whole.through);
    expect(Object.keys(changes.sessions)).toEqual([phone.sessionId]);
    expect(changes.since).toBe(
      Math.floor(whole.through / CHANGES_STEP_SECONDS) * CHANGES_STEP_SECONDS,
    );
    expect(changes.since).toBeLessThanOrEqual(whole.through);
    expect(changes.through).toBe(seconds(Date.now()) - COMMITTED_SECONDS);
    expect(Object.keys((await listed()).sessions).sort()).toEqual(
      [laptop.sessionId, phone.sessionId].sort(),
    );
  });

  it("answers the whole list for a since that is malformed, in the future or too long ago", async () => {
    const laptop = await signUp();
    await auth.api.signOut({ headers: laptop.headers });
    const now = seconds(Date.now());
    for (const since of ["soon", "-5", "1e9", now + 60, now - MAX_CHANGES_SECONDS - 1]) {
      const answer = await listed(since);
      expect(answer.since).toBeUndefined();
      expect(Object.keys(answer.sessions)).toEqual([laptop.sessionId]);
    }
  });

  it("answers the whole list when the changes are too many for a change list", async () => {
    const laptop = await signUp();
    await auth.api.signOut({ headers: laptop.headers });
    const before = seconds(Date.now()) - 1;
    const insert = database.prepare(
      'INSERT INTO "revokedSession" ("id", "sessionId", "expiresAt", "changedAt") VALUES (?, ?, ?, ?)',
    );
    const until = new Date(Date.now() + 60_000).toISOString();
    const now = new Date().toISOString();
    database.exec("BEGIN");
    for (let i = 0; i < MAX_CHANGES; i++) insert.run(`row-${i}`, `ended-${i}`, until, now);
    database.exec("COMMIT");

    const answer = await listed(before);
    expect(answer.since).toBeUndefined();
    expect(Object.keys(answer.sessions)).toHaveLength(MAX_CHANGES + 1);
  });

  it("builds one change list per step: callers asking since moments in the same step share it", async () => {
    await signUp();
    const step = Math.floor(seconds(Date.now()) / CHANGES_STEP_SECONDS) * CHANGES_STEP_SECONDS;
    const context = await auth.$context;
    const reads = vi.spyOn(context.adapter, "findMany");
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => listed(step - CHANGES_STEP_SECONDS + (i % 10))),
    );
    expect(new Set(answers.map((answer) => answer.since))).toEqual(
      new Set([step - CHANGES_STEP_SECONDS]),
    );
    expect(reads).toHaveBeenCalledTimes(2); // once each: ended sessions, changed claims
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

describe("a change of claims", () => {
  type Row = { role: string | null; claimsVersion: number | null };
  const userRow = (id: string) =>
    database.prepare('SELECT "role", "claimsVersion" FROM "user" WHERE "id" = ?').get(id) as Row;
  const change = (userId: string, role: string | null) =>
    auth.api.changeClaims({ body: { userId, claims: { role } } });

  it("sets the claims and raises the version in one write, and lists the version until every older token has expired", async () => {
    const { userId } = await signUp();
    expect(userRow(userId)).toEqual({ role: null, claimsVersion: 0 });

    expect(await change(userId, "admin")).toEqual({ claimsVersion: 1 });
    expect(userRow(userId)).toEqual({ role: "admin", claimsVersion: 1 });
    const { changedClaims } = await listed();
    expect(Object.keys(changedClaims)).toEqual([userId]);
    expect(changedClaims[userId].version).toBe(1);
    const until = changedClaims[userId].until * 1000;
    expect(until - Date.now()).toBeGreaterThan(TOKEN_LIFETIME_SECONDS * 1000);

    await change(userId, null);
    expect(userRow(userId)).toEqual({ role: null, claimsVersion: 2 });
    await new Promise((done) => setTimeout(done, REBUILD_LIST_MS)); // the list built last is reused
    expect((await listed()).changedClaims[userId].version).toBe(2);

    vi.useFakeTimers({ now: until + 60_000 + 1000, toFake: ["Date"] });
    expect((await listed()).changedClaims).toEqual({});
  });

  it("is in the change list since a moment before it, and not since after it", async () => {
    const { userId } = await signUp();
    const before = seconds(Date.now()) - 1;
    await change(userId, "admin");
    expect((await listed(before)).changedClaims[userId]?.version).toBe(1);

    vi.useFakeTimers({ now: Date.now() + 20_000, toFake: ["Date"] });
    expect((await listed(seconds(Date.now()) - 5)).changedClaims).toEqual({});
  });

  it("gives changes made at once versions of their own, and the list the highest", async () => {
    const { userId } = await signUp();
    const answers = await Promise.all([
      change(userId, "a"),
      change(userId, "b"),
      change(userId, "c"),
    ]);
    expect(answers.map((answer) => answer.claimsVersion).sort()).toEqual([1, 2, 3]);
    expect(userRow(userId).claimsVersion).toBe(3);
    expect((await listed()).changedClaims[userId].version).toBe(3);
  });

  it("counts from 0 for a user from before claims versions", async () => {
    const { userId } = await signUp();
    database.prepare('UPDATE "user" SET "claimsVersion" = NULL WHERE "id" = ?').run(userId);
    expect(await change(userId, "admin")).toEqual({ claimsVersion: 1 });
  });

  it("sets only claims (fields the server alone sets), never the version, the email or the id", async () => {
    const { userId } = await signUp();
    for (const claims of [
      { claimsVersion: 9 },
      { email: "x@example.com" },
      { id: "x" },
      { nope: 1 },
    ]) {
      await expect(auth.api.changeClaims({ body: { userId, claims } })).rejects.toMatchObject({
        statusCode: 400,
      });
    }
    expect(userRow(userId)).toEqual({ role: null, claimsVersion: 0 });
    expect((await listed()).changedClaims).toEqual({});
  });

  it("refuses an unknown user and records nothing", async () => {
    await expect(change("nobody", "admin")).rejects.toMatchObject({ statusCode: 404 });
    expect((await listed()).changedClaims).toEqual({});
  });

  it("cannot be asked for over HTTP, nor can a person set their own claims or version", async () => {
    const { headers, userId } = await signUp();
    const request = (path: string, body: object) =>
      auth.handler(
        new Request(`http://localhost:3000/api/auth${path}`, {
          method: "POST",
          headers: { ...Object.fromEntries(headers), "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const asked = await request("/change-claims", { userId, claims: { role: "admin" } });
    expect(asked.status).toBe(404);
    const updated = await request("/update-user", { role: "admin", claimsVersion: 99 });
    expect(updated.status).toBe(400);
    expect(userRow(userId)).toEqual({ role: null, claimsVersion: 0 });
  });
});

type Answer = { list?: string; failed?: boolean };
type Build = {
  startedAt: number;
  end: (ok: boolean) => void;
  waiters: { askedAt: number; answer: Answer }[];
};

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

  // Model-based: a seeded random walk of callers at random times and builds that end (or fail)
  // whenever, against the rule: a list younger than REBUILD_LIST_MS is answered from memory;
  // otherwise one caller starts a build and waits for it, and whoever asks meanwhile gets the
  // last list if it is within its lifetime, else waits for that build. Never two builds at once,
  // and no answer older than its lifetime when it was asked for.
  it("builds one list at a time, never more often than the interval, and answers no expired list", async () => {
    const lifetimeMs = LIST_LIFETIME_SECONDS * 1000;
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    let seed = 20261205;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const settled = () => new Promise((resolve) => setImmediate(resolve));
    for (let walk = 0; walk < 100; walk++) {
      const cache = new ListCache();
      let now = 0;
      let last: { builtAt: number; list: string } | null = null;
      // The build in flight, in an object: its closure sets it, which narrowing cannot see.
      const flight: { building: Build | null } = { building: null };
      let builds = 0;
      for (let step = 0; step < 60; step++) {
        const roll = random();
        if (flight.building && roll < 0.25) {
          const ok = random() < 0.8;
          const { startedAt, end, waiters } = flight.building;
          end(ok);
          await settled();
          for (const { askedAt, answer } of waiters) {
            if (ok) {
              expect(answer.list).toBe(`built at ${startedAt}`);
              expect(startedAt).toBeLessThanOrEqual(askedAt);
            } else expect(answer.failed).toBe(true);
          }
          if (ok) last = { builtAt: startedAt, list: `built at ${startedAt}` };
          flight.building = null;
          continue;
        }
        now +=
          roll < 0.9
            ? Math.floor(random() * REBUILD_LIST_MS * 2)
            : Math.floor(random() * lifetimeMs * 1.5);
        const answer: Answer = {};
        let started = false;
        const build = () => {
          started = true;
          builds += 1;
          return new Promise<string>((resolve, reject) => {
            const startedAt = now;
            flight.building = {
              startedAt,
              waiters: [],
              end: (ok) => (ok ? resolve(`built at ${startedAt}`) : reject(new Error("down"))),
            };
          });
        };
        const wasBuilding = flight.building !== null;
        cache.get(build, now).then(
          (list) => (answer.list = list),
          () => (answer.failed = true),
        );
        await settled();
        const age = last ? now - last.builtAt : Infinity;
        if (last && age < REBUILD_LIST_MS) {
          expect(started).toBe(false);
          expect(answer.list).toBe(last.list);
        } else if (wasBuilding) {
          expect(started).toBe(false); // never a second build at once
          if (last && age < lifetimeMs) expect(answer.list).toBe(last.list);
          else flight.building?.waiters.push({ askedAt: now, answer });
        } else {
          expect(started).toBe(true); // a list this old is rebuilt by the caller who finds it
          expect(answer).toEqual({});
          flight.building?.waiters.push({ askedAt: now, answer });
        }
        // Whatever was answered at once was built less than its lifetime before it was asked for.
        if (answer.list) {
          expect(now - Number(answer.list.split(" ").at(-1))).toBeLessThan(lifetimeMs);
        }
      }
      expect(builds).toBeGreaterThan(0);
      flight.building?.end(true);
      await settled();
    }
    error.mockRestore();
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

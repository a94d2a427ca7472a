import { afterEach, describe, expect, it, vi } from "vitest";
import type { SessionStore } from "../lib/auth/options.ts";
import { REBUILD_LIST_MS } from "../lib/auth/revocations.ts";
import { makeSite } from "./site.ts";

// Better Auth with a session store in front of its database, as lib/server/session-store.ts
// gives it Redis: here a Map, which a test can make fail.
type Operation = "get" | "set" | "delete" | "increment";
type Storage = NonNullable<SessionStore["secondaryStorage"]>;

function memoryStore() {
  const values = new Map<string, string>();
  const failing = new Set<Operation>();
  const check = (operation: Operation) => {
    if (failing.has(operation)) throw new Error(`the store failed to ${operation}`);
  };
  const storage: Storage = {
    get: async (key) => (check("get"), values.get(key) ?? null),
    set: async (key, value) => (check("set"), void values.set(key, value)),
    delete: async (key) => (check("delete"), void values.delete(key)),
    getAndDelete: async (key) => {
      check("delete");
      const value = values.get(key) ?? null;
      values.delete(key);
      return value;
    },
    increment: async (key) => {
      check("increment");
      const count = Number(values.get(key) ?? 0) + 1;
      values.set(key, String(count));
      return count;
    },
  };
  /** The sessions the store holds: token -> session id. */
  const sessions = () =>
    new Map(
      [...values.values()]
        .map((value) => JSON.parse(value) as { session?: { id: string; token: string } })
        .filter((value) => value.session)
        .map(({ session }) => [session!.token, session!.id]),
    );
  return { values, failing, storage, sessions };
}

/** The session ids on the revocation list, as the API reads them from its signed payload. */
async function listed(site: Awaited<ReturnType<typeof makeSite>>): Promise<string[]> {
  const { list } = await site.auth.api.getRevocationList({ query: {} });
  const payload = JSON.parse(Buffer.from(list.split(".")[1], "base64url").toString());
  return Object.keys(payload.sessions);
}

const ANN = { email: "ann@example.com", password: "correct-horse-battery", name: "Ann" };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("sessions in a session store, the database the record", () => {
  it("keeps each session in the store and the database, and ends it in both, onto the revocation list", async () => {
    const store = memoryStore();
    const site = await makeSite("off", [], { sessionStore: { secondaryStorage: store.storage } });
    const ann = site.browser();
    await ann.send("/sign-up/email", ANN);
    expect((await ann.send("/sign-in/email", ANN)).status).toBe(200);
    const [[token, sessionId]] = [...store.sessions()];
    const context = await site.auth.$context;
    expect(await context.adapter.count({ model: "session" })).toBe(1);

    expect((await ann.send("/sign-out", {})).status).toBe(200);
    expect(store.sessions().has(token)).toBe(false);
    expect(await context.adapter.count({ model: "session" })).toBe(0);
    expect(await listed(site)).toEqual([sessionId]);
  });

  it("ends every session of a person in the store too, however many", async () => {
    const store = memoryStore();
    const site = await makeSite("off", [], { sessionStore: { secondaryStorage: store.storage } });
    await site.browser().send("/sign-up/email", ANN);
    const browsers = [site.browser(), site.browser(), site.browser()];
    for (const browser of browsers) await browser.send("/sign-in/email", ANN);
    const ids = [...store.sessions().values()];
    expect(ids).toHaveLength(3);

    expect((await browsers[0].send("/revoke-sessions", {})).status).toBe(200);
    expect(store.sessions().size).toBe(0);
    expect((await listed(site)).sort()).toEqual(ids.sort());
    expect((await browsers[1].send("/get-session")).body).toBeNull();
  });

  it("leaves a session whole when the store cannot forget it: not ended in the database alone", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const store = memoryStore();
    const site = await makeSite("off", [], { sessionStore: { secondaryStorage: store.storage } });
    const ann = site.browser();
    await ann.send("/sign-up/email", ANN);
    await ann.send("/sign-in/email", ANN);
    store.failing.add("delete");

    const refused = await ann.send("/sign-out", {});
    expect(refused.status).toBe(503);
    expect(refused.body.message).toContain("try again");
    const context = await site.auth.$context;
    expect(await context.adapter.count({ model: "session" })).toBe(1);
    expect(await listed(site)).toEqual([]);
    store.failing.clear();
    expect((await ann.send("/get-session")).body?.user.email).toBe(ANN.email);
    expect((await ann.send("/sign-out", {})).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, REBUILD_LIST_MS)); // the list is rebuilt
    expect(await listed(site)).toHaveLength(1);
  });

  it("counts sign-in attempts in the store, where every instance counts", async () => {
    const store = memoryStore();
    const site = await makeSite("off", [], {
      rateLimited: true,
      sessionStore: { secondaryStorage: store.storage },
    });
    await site.browser().send("/sign-up/email", ANN);
    const wrong = { email: ANN.email, password: "not-the-password" };
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push((await site.browser().send("/sign-in/email", wrong)).status);
    expect(answers).toEqual([401, 401, 401, 429]);
    expect([...store.values.keys()].some((key) => key.includes("/sign-in/email"))).toBe(true);
  });

  it("counts the mails to one address in the store: 3 in 15 minutes, whoever asks", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const store = memoryStore();
    const site = await makeSite("off", [], { sessionStore: { secondaryStorage: store.storage } });
    await site.browser().send("/sign-up/email", ANN);
    const ask = () =>
      site
        .browser()
        .send("/request-password-reset", { email: ANN.email, redirectTo: "/reset-password" });
    for (let i = 0; i < 5; i++) expect((await ask()).status).toBe(200);
    await site.mailsTo(ANN.email, "Reset your", 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(site.mails.filter((mail) => mail.to === ANN.email)).toHaveLength(3);
    expect(store.values.get(`mail:${ANN.email}`)).toBe("5");
  });
});

import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAIL_RULE, type MailWindow, decideMail, mailLimits } from "../lib/mail-limits.ts";

const RULE = { windowSeconds: 60, max: 3 };

describe("decideMail", () => {
  it("lets the first mails of a window through, then refuses until the window ends", () => {
    let window: MailWindow | null = null;
    for (let sent = 1; sent <= RULE.max; sent++) {
      const decision = decideMail(window, 1_000 * sent, RULE);
      expect(decision.allowed).toBe(true);
      if (decision.allowed) window = decision.window;
    }
    expect(decideMail(window, 10_000, RULE)).toEqual({ allowed: false, retryAfterSeconds: 51 });
    expect(decideMail(window, 61_000, RULE).allowed).toBe(true);
  });

  it("starts a new window when the clock went back (another instance's clock)", () => {
    expect(decideMail({ count: 3, start: 50_000 }, 10_000, RULE)).toEqual({
      allowed: true,
      window: { count: 1, start: 10_000 },
    });
  });

  // Model-based: a random walk of requests at random times, against the plain rule "a mail is
  // sent only if fewer than `max` were sent since the window began, and a window lasts
  // `windowSeconds` from its first mail". Seeded, so a failure repeats.
  it("never sends more than max mails in any window, and refuses only when max were sent", () => {
    let seed = 20261202;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let walk = 0; walk < 200; walk++) {
      let window: MailWindow | null = null;
      let now = 0;
      const sentAt: number[] = [];
      for (let step = 0; step < 50; step++) {
        now += Math.floor(random() * 40_000);
        const decision = decideMail(window, now, RULE);
        const windowStart =
          window && now - window.start < RULE.windowSeconds * 1000 ? window.start : now;
        const sentInWindow = sentAt.filter((time) => time >= windowStart).length;
        expect(decision.allowed).toBe(sentInWindow < RULE.max);
        if (decision.allowed) {
          window = decision.window;
          sentAt.push(now);
          expect(window.count).toBe(sentInWindow + 1);
        } else {
          expect(decision.retryAfterSeconds).toBeGreaterThan(0);
          expect(decision.retryAfterSeconds).toBeLessThanOrEqual(RULE.windowSeconds);
        }
        // Invariant: no span of windowSeconds holds more than max mails sent in one window.
        expect(sentAt.filter((time) => time >= windowStart).length).toBeLessThanOrEqual(RULE.max);
      }
    }
  });
});

describe("mailLimits in Better Auth", () => {
  afterEach(() => vi.useRealTimers());

  async function makeAuth(sent: string[]) {
    const options = {
      baseURL: "http://localhost:3000",
      secret: "a-test-secret-that-is-long-enough-for-better-auth-1234567890",
      database: new DatabaseSync(":memory:"),
      rateLimit: { enabled: true, storage: "database" as const },
      emailAndPassword: {
        enabled: true,
        sendResetPassword: async ({ user }: { user: { email: string } }) => {
          sent.push(user.email);
        },
      },
      plugins: [mailLimits()],
    };
    const { runMigrations } = await getMigrations(options);
    await runMigrations();
    return betterAuth(options);
  }

  it("refuses the fourth reset mail to one address, whatever case it is written in", async () => {
    const sent: string[] = [];
    const auth = await makeAuth(sent);
    await auth.api.signUpEmail({
      body: { email: "ann@example.com", password: "correct-horse-battery", name: "Ann" },
    });
    const ask = (email: string) =>
      auth.api.requestPasswordReset({ body: { email, redirectTo: "/reset-password" } });
    for (const email of ["ann@example.com", "ANN@example.com", "Ann@Example.com"]) {
      await ask(email);
    }
    await expect(ask("ann@example.com")).rejects.toMatchObject({
      statusCode: 429,
      body: { code: "TOO_MANY_EMAILS" },
    });
    expect(sent).toEqual(["ann@example.com", "ann@example.com", "ann@example.com"]);
    // Another address is counted apart; an unknown one is counted too, and gets no mail.
    await ask("bob@example.com");
    expect(sent).toHaveLength(3);
  });

  it("sends again once the window has passed", async () => {
    const sent: string[] = [];
    const auth = await makeAuth(sent);
    await auth.api.signUpEmail({
      body: { email: "ann@example.com", password: "correct-horse-battery", name: "Ann" },
    });
    vi.useFakeTimers({ toFake: ["Date"] });
    const ask = () =>
      auth.api.requestPasswordReset({
        body: { email: "ann@example.com", redirectTo: "/reset-password" },
      });
    for (let i = 0; i < MAIL_RULE.max; i++) await ask();
    await expect(ask()).rejects.toMatchObject({ statusCode: 429 });
    vi.setSystemTime(Date.now() + MAIL_RULE.windowSeconds * 1000);
    await ask();
    expect(sent).toHaveLength(MAIL_RULE.max + 1);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { MAIL_RULE, type MailWindow, decideMail } from "../lib/mail/limits.ts";
import { makeSite } from "./site.ts";

const RULE = { windowSeconds: 60, max: 3 };
const ANN = "ann@example.com";
const PASSWORD = "correct-horse-battery";

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

describe("mail to one address, as the site sends it", () => {
  afterEach(() => {
    vi.useRealTimers();
    delete process.env.EMAIL_VERIFICATION;
  });

  it("sends at most 3 in 15 minutes, whoever asks and however the address is written", async () => {
    const site = await makeSite();
    await site.browser().send("/sign-up/email", { email: ANN, password: PASSWORD, name: "Ann" });
    await site.mailsTo(ANN, "Confirm your email");
    const ask = (email: string) =>
      site.browser().send("/request-password-reset", { email, redirectTo: "/reset-password" });
    for (const email of ["ANN@example.com", "Ann@Example.com", ANN]) {
      expect((await ask(email)).status).toBe(200);
    }
    await site.mailsTo(ANN, "Reset your", 2); // with the confirmation mail, 3 sent
    // The fourth is not sent, and the answer says nothing about it.
    expect((await ask(ANN)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(site.mails.filter((mail) => mail.to === ANN)).toHaveLength(MAIL_RULE.max);
    // Another address is counted apart; an unknown one gets nothing and is not counted.
    await ask("bob@example.com");
    expect(site.mails.filter((mail) => mail.to === "bob@example.com")).toHaveLength(0);
  });

  it("sends again once the window has passed", async () => {
    const site = await makeSite();
    await site.browser().send("/sign-up/email", { email: ANN, password: PASSWORD, name: "Ann" });
    vi.useFakeTimers({ toFake: ["Date"] });
    const ask = () =>
      site.browser().send("/request-password-reset", { email: ANN, redirectTo: "/reset-password" });
    for (let i = 0; i < MAIL_RULE.max; i++) await ask();
    await site.mailsTo(ANN, "Reset your", MAIL_RULE.max - 1);
    vi.setSystemTime(Date.now() + MAIL_RULE.windowSeconds * 1000);
    await ask();
    await site.mailsTo(ANN, "Reset your", MAIL_RULE.max);
  });

  it("counts only mails sent: asking to confirm a confirmed address leaves the owner's reset", async () => {
    const site = await makeSite();
    const ann = site.browser();
    await ann.send("/sign-up/email", { email: ANN, password: PASSWORD, name: "Ann" });
    const [confirmation] = await site.mailsTo(ANN, "Confirm your email");
    await ann.follow(confirmation.link);
    // Anyone may ask, for a confirmed address: nothing is sent, so nothing is counted.
    for (let i = 0; i < 3; i++) {
      const asked = await site.browser().send("/send-verification-email", { email: ANN });
      expect(asked.status).toBe(200);
    }
    await site
      .browser()
      .send("/request-password-reset", { email: ANN, redirectTo: "/reset-password" });
    const [reset] = await site.mailsTo(ANN, "Reset your");
    expect(reset.link).toContain("/api/auth/reset-password/");
  });

  it("counts every mail when many are asked for at once: never more than the limit", async () => {
    const site = await makeSite("off");
    await site.browser().send("/sign-up/email", { email: ANN, password: PASSWORD, name: "Ann" });
    const asks = Array.from({ length: 12 }, () =>
      site.browser().send("/request-password-reset", { email: ANN, redirectTo: "/reset-password" }),
    );
    for (const asked of await Promise.all(asks)) expect(asked.status).toBe(200);
    await site.mailsTo(ANN, "Reset your", MAIL_RULE.max);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(site.mails.filter((mail) => mail.to === ANN)).toHaveLength(MAIL_RULE.max);
  });

  it("keeps an address's count for its whole window while Better Auth sweeps its own", async () => {
    const site = await makeSite("off", [], { rateLimited: true });
    const ann = site.browser();
    await ann.send("/sign-up/email", { email: ANN, password: PASSWORD, name: "Ann" });
    vi.useFakeTimers({ toFake: ["Date"] });
    const ask = () =>
      site.browser().send("/request-password-reset", { email: ANN, redirectTo: "/reset-password" });
    for (let i = 0; i < MAIL_RULE.max; i++) await ask();
    await site.mailsTo(ANN, "Reset your", MAIL_RULE.max);
    // Past every window of Better Auth's own (a minute at most), well inside the mail window: a
    // request whose window ended makes Better Auth delete the rows older than its longest one.
    vi.setSystemTime(Date.now() + 5 * 60 * 1000);
    await ann.send("/sign-in/email", { email: ANN, password: "not-the-password" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await ask()).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(site.mails.filter((mail) => mail.to === ANN)).toHaveLength(MAIL_RULE.max);
  });
});

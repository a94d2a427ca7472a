import { afterEach, describe, expect, it } from "vitest";
import { type Mode, ORIGIN, makeSite } from "./site.ts";

const victim = "victim@example.com";
const attackersPassword = "attackers-password-1";
const victimsPassword = "victims-password-22";

afterEach(() => {
  delete process.env.EMAIL_VERIFICATION;
});

describe("a sign-up for an address that has an account", () => {
  it("answers as for a new address, and tells the owner by mail", async () => {
    const site = await makeSite("optional");
    const fresh = await site.browser().send("/sign-up/email", {
      email: "new@example.com",
      password: victimsPassword,
      name: "New",
    });
    const owner = site.browser();
    await owner.send("/sign-up/email", { email: victim, password: victimsPassword, name: "V" });
    // The owner confirms the address.
    const [confirmation] = await site.mailsTo(victim, "Confirm your email");
    await owner.follow(confirmation.link);

    const taken = await site.browser().send("/sign-up/email", {
      email: victim,
      password: attackersPassword,
      name: "Someone",
    });
    expect(taken.status).toBe(fresh.status);
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(fresh.body).sort());
    const [notice] = await site.mailsTo(victim, "Your ");
    expect(notice.link).toBe(`${ORIGIN}/login`);
    // Nothing changed: the owner's password still signs in, the other one does not.
    const signIn = (password: string) =>
      site.browser().send("/sign-in/email", { email: victim, password });
    expect((await signIn(victimsPassword)).status).toBe(200);
    expect((await signIn(attackersPassword)).status).toBe(401);
  });

  it.each<Mode>(["required", "optional"])(
    "(%s) of an account nobody confirmed: whoever holds the inbox ends up holding it, alone",
    async (mode) => {
      const site = await makeSite(mode);
      const attacker = site.browser();
      await attacker.send("/sign-up/email", {
        email: victim,
        password: attackersPassword,
        name: "Attacker",
      });
      if (mode === "optional") {
        // Usable at once, unconfirmed: the attacker has a session.
        await attacker.send("/sign-in/email", { email: victim, password: attackersPassword });
        expect((await attacker.send("/get-session")).body?.user.email).toBe(victim);
      }
      const [attackersConfirmation] = await site.mailsTo(victim, "Confirm your email");

      // The victim signs up later: the same answer as any sign-up...
      const victimsSignUp = await site.browser().send("/sign-up/email", {
        email: victim,
        password: victimsPassword,
        name: "Victim",
      });
      expect(victimsSignUp.status).toBe(200);
      // ...and a link to choose the password arrives; the attacker's password and sessions are gone.
      const [claim] = await site.mailsTo(victim, "Choose your");
      const attackerSignsIn = () =>
        site.browser().send("/sign-in/email", { email: victim, password: attackersPassword });
      expect((await attackerSignsIn()).status).not.toBe(200);
      expect((await attacker.send("/get-session")).body).toBeNull();

      // Following the attacker's confirmation mail signs in its follower, the inbox's holder.
      const holder = site.browser();
      await holder.follow(attackersConfirmation.link);
      expect((await holder.send("/get-session")).body?.user).toMatchObject({
        email: victim,
        emailVerified: true,
      });
      expect((await attackerSignsIn()).status).not.toBe(200);

      // The claim link sets the holder's own password (a reset), which then signs in.
      const response = await site.browser().follow(claim.link);
      const token = new URL(response.headers.get("location")!, ORIGIN).searchParams.get("token");
      const set = await site.browser().send("/reset-password", {
        token,
        newPassword: victimsPassword,
      });
      expect(set.status).toBe(200);
      const signedIn = await site
        .browser()
        .send("/sign-in/email", { email: victim, password: victimsPassword });
      expect(signedIn.status).toBe(200);
      expect((await attackerSignsIn()).status).not.toBe(200);
    },
  );

  it("confirms the address of whoever sets a password from a mailed link", async () => {
    const site = await makeSite("required");
    await site
      .browser()
      .send("/sign-up/email", { email: victim, password: victimsPassword, name: "V" });
    await site.browser().send("/request-password-reset", {
      email: victim,
      redirectTo: "/reset-password",
    });
    const [reset] = await site.mailsTo(victim, "Reset your");
    const response = await site.browser().follow(reset.link);
    const token = new URL(response.headers.get("location")!, ORIGIN).searchParams.get("token");
    await site.browser().send("/reset-password", { token, newPassword: "a-new-password-333" });
    const signedIn = await site
      .browser()
      .send("/sign-in/email", { email: victim, password: "a-new-password-333" });
    expect(signedIn.status).toBe(200); // required mode: only a confirmed address signs in
  });
});

describe("a session's token", () => {
  it("is in no answer a browser's script can read, and the server's own calls still have it", async () => {
    const site = await makeSite("optional");
    const person = site.browser();
    await person.send("/sign-up/email", { email: victim, password: victimsPassword, name: "V" });
    const signedIn = await person.send("/sign-in/email", {
      email: victim,
      password: victimsPassword,
    });
    const cookie = [...person.cookies.values()].join(" ");
    const session = await person.send("/get-session");
    const sessions = await person.send("/list-sessions");
    for (const answer of [signedIn.body, session.body, sessions.body]) {
      expect(JSON.stringify(answer)).not.toMatch(/"token"/);
    }
    expect(session.body.session.id).toBeTruthy();
    const headers = new Headers({
      cookie: [...person.cookies].map(([n, v]) => `${n}=${v}`).join("; "),
    });
    const listed = await site.auth.api.listSessions({ headers });
    expect(listed[0].token).toBeTruthy();
    expect(cookie).toContain(encodeURIComponent(listed[0].token).slice(0, 8));
  });
});

import { describe, expect, it } from "vitest";
import { describeMethods, methodsOf } from "../lib/auth/authentication-methods.ts";
import { makeSite } from "./site.ts";

describe("amr: how a session signed in", () => {
  it("is the password at sign-in, and the password and a code after a second factor", () => {
    expect(methodsOf("/sign-in/email")).toEqual(["pwd"]);
    expect(methodsOf("/two-factor/verify-totp")).toEqual(["pwd", "otp"]);
    expect(methodsOf("/two-factor/verify-backup-code")).toEqual(["pwd", "otp"]);
  });

  it("keeps a replaced session's methods, adding only what was proven", () => {
    expect(methodsOf("/two-factor/verify-totp", [])).toEqual(["otp"]); // a provider's session
    expect(methodsOf("/two-factor/disable", ["pwd", "otp"])).toEqual(["pwd", "otp"]);
    expect(methodsOf("/change-password", ["pwd", "otp"])).toEqual(["pwd", "otp"]);
  });

  it("reads as words on the sessions page", () => {
    expect(describeMethods("pwd")).toBe("a password");
    expect(describeMethods("pwd otp")).toBe("a password and a code");
    expect(describeMethods("swk mfa")).toBe("a passkey");
    expect(describeMethods("")).toBe("a sign-in provider or a mailed link");
    expect(describeMethods(null)).toBe("a sign-in provider or a mailed link");
  });

  it("is none for a provider's sign-in or a mailed link", () => {
    expect(methodsOf("/callback/:id")).toEqual([]);
    expect(methodsOf("/verify-email")).toEqual([]);
    expect(methodsOf(undefined)).toEqual([]);
  });

  it("is written by the server: what a client sends at sign-up or sign-in is ignored", async () => {
    const site = await makeSite("off");
    const ann = site.browser();
    const credentials = { email: "ann@example.com", password: "correct horse battery" };
    await ann.send("/sign-up/email", { ...credentials, name: "Ann", amr: "otp" });
    const signedIn = await ann.send("/sign-in/email", { ...credentials, amr: "pwd otp" });
    expect(signedIn.status).toBe(200);
    expect((await ann.send("/get-session")).body.session.amr).toBe("pwd");
  });
});

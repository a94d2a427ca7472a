import { describe, expect, it } from "vitest";
import { describeAuthError } from "../lib/forms/auth-errors.ts";

describe("Better Auth's errors in words", () => {
  it.each([
    ["INVALID_EMAIL_OR_PASSWORD", "password", "Wrong email or password."],
    ["USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "email", "exists already"],
    ["PASSWORD_TOO_SHORT", "password", "at least 8 characters"],
    ["INVALID_EMAIL", "email", "not an email address"],
  ])("%s is shown next to the %s field", (code, field, words) => {
    const described = describeAuthError({ code, message: "raw" }, "Could not sign in");
    expect(described.form).toBeUndefined();
    expect(Object.keys(described.fields)).toEqual([field]);
    expect(Object.values(described.fields)[0]).toContain(words);
  });

  it("asks to wait when Better Auth rate-limits", () => {
    expect(describeAuthError({ status: 429 }, "Could not sign in").form).toMatch(/wait/i);
  });

  it("shows an unknown error for the whole form, with Better Auth's message", () => {
    const described = describeAuthError({ code: "NEW_CODE", message: "Odd" }, "Could not sign in");
    expect(described).toEqual({ form: "Could not sign in: Odd.", fields: {} });
  });
});

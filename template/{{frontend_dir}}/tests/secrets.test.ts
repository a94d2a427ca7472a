import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { readSecret } from "../lib/server/secrets.ts";

const NAME = "TEST_SECRET_FOR_VITEST";

afterEach(() => {
  delete process.env[NAME];
});

function read(value: string): string {
  process.env[NAME] = value;
  return readSecret(NAME);
}

describe("secrets", () => {
  it.each([
    ["randomBytes(32) as hex", randomBytes(32).toString("hex")],
    ["randomBytes(32) as base64", randomBytes(32).toString("base64")],
    ["randomBytes(32) as base64url", randomBytes(32).toString("base64url")],
  ])("accepts a random secret: %s", (_, value) => {
    expect(read(value)).toBe(value);
  });

  it.each([
    ["short", "bytes long"],
    ["replace-with-64-random-hex-characters", "placeholder"],
    ["change_me-change_me-change_me-change_me", "placeholder"],
    ["passwordpasswordpassword12345678", "too predictable"],
    ["another-secret-another-secret-another-secret-", "repeats one shorter part"],
  ])("refuses %s: %s", (value, problem) => {
    expect(() => read(value)).toThrow(problem);
  });

  it("names the secret and how to generate one, never its value", () => {
    const weak = "passwordpasswordpassword12345678";
    expect(() => read(weak)).toThrow(/TEST_SECRET_FOR_VITEST .*openssl rand -hex 32/);
    expect(() => read(weak)).not.toThrow(weak);
  });
});

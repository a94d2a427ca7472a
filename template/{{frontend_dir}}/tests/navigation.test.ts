import { describe, expect, it } from "vitest";
import { loginUrl, safeReturnUrl } from "../lib/navigation.ts";

describe("login redirects", () => {
  it("returns to the page the person was on", () => {
    expect(loginUrl("/dashboard?tab=2")).toBe("/login?returnUrl=%2Fdashboard%3Ftab%3D2");
  });

  it.each([
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example", // what /login?returnUrl=/%09/evil.example decodes to
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "javascript:alert(1)",
    "",
    null,
    undefined,
    ["/dashboard", "//evil.example"], // a repeated returnUrl
  ])("refuses to return to %j", (value) => {
    expect(safeReturnUrl(value)).toBe("/dashboard");
  });

  it.each([
    ["/dashboard?tab=2", "/dashboard?tab=2"],
    ["/api-docs#top", "/api-docs#top"],
    ["/a/../dashboard", "/dashboard"],
  ])("accepts %s, a path on this site", (value, expected) => {
    expect(safeReturnUrl(value)).toBe(expected);
  });
});

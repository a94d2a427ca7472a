import { afterEach, describe, expect, it, vi } from "vitest";
import { throughTheProxy, UNCOUNTED_PATHS } from "@/lib/auth/client-address";

const betterAuth = vi.fn(async () => new Response("handled by Better Auth"));

function signIn(headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1:3000/api/auth/sign-in/email", { method: "POST", headers });
}

afterEach(() => {
  betterAuth.mockClear();
  vi.restoreAllMocks();
});

describe("requests to Better Auth", () => {
  it("are refused with 421 in production when they bypassed the proxy", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await throughTheProxy(betterAuth, "x-real-ip", true)(signIn());
    expect(response.status).toBe(421);
    expect((await response.json()).message).toContain("no x-real-ip header");
    expect(logged.mock.calls[0][0]).toContain("docs/deploying.md");
    expect(logged.mock.calls[0][0]).toContain("CLIENT_IP_HEADER=none");
    expect(betterAuth).not.toHaveBeenCalled();
  });

  it("reach Better Auth in production through the proxy", async () => {
    const request = signIn({ "X-Real-IP": "203.0.113.7" });
    const response = await throughTheProxy(betterAuth, "x-real-ip", true)(request);
    expect(await response.text()).toBe("handled by Better Auth");
    expect(betterAuth).toHaveBeenCalledWith(request);
  });

  it("reach Better Auth in development, where no proxy runs", async () => {
    const response = await throughTheProxy(betterAuth, "x-real-ip", false)(signIn());
    expect(response.status).toBe(200);
  });

  it("reach Better Auth when no proxy header is configured (client_ip_header none)", async () => {
    const response = await throughTheProxy(betterAuth, null, true)(signIn());
    expect(response.status).toBe(200);
  });
});

describe("the documents the API fetches (keys, revocation list)", () => {
  it.each(["/api/auth/jwks", "/api/auth/revocations"])(
    "reach Better Auth in production without the proxy's header: %s",
    async (path) => {
      const request = new Request(`http://127.0.0.1:3000${path}`);
      const response = await throughTheProxy(betterAuth, "x-real-ip", true)(request);
      expect(response.status).toBe(200);
      expect(betterAuth).toHaveBeenCalledWith(request);
    },
  );

  it("are the paths no rate limit counts, and no other path", async () => {
    expect(UNCOUNTED_PATHS).toEqual(["/jwks", "/revocations"]);
    vi.spyOn(console, "error").mockImplementation(() => {});
    const nearly = new Request("http://127.0.0.1:3000/api/auth/jwks/x");
    expect((await throughTheProxy(betterAuth, "x-real-ip", true)(nearly)).status).toBe(421);
  });
});

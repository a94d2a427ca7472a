import { describe, expect, it, vi } from "vitest";
import {
  type ApiClient,
  ApiError,
  ForbiddenError,
  UnauthorizedError,
  createApiClient,
} from "../lib/api/transport.ts";

const NOW = 1_800_000_000;

/** A token whose payload says when it expires (the client reads `exp`, never the signature). */
function token(name: string, expiresIn = 900): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "EdDSA" })}.${part({ sub: name, exp: NOW + expiresIn })}.signature`;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

function setup(responses: Response[], tokens: (string | null)[] = [token("a"), token("b")]) {
  const getToken = vi.fn(async () => tokens.shift() ?? null);
  const fetch = vi.fn(async (_request: Request) => {
    const next = responses.shift();
    if (!next) throw new Error("no more responses");
    return next;
  });
  const onUnauthenticated = vi.fn();
  const sleep = vi.fn(async (_milliseconds: number) => {});
  let now = NOW;
  const client = createApiClient({
    baseUrl: "http://api.test",
    getToken,
    onUnauthenticated,
    fetch,
    now: () => now,
    sleep,
  });
  const advance = (seconds: number) => {
    now += seconds;
  };
  const authorization = (call: number) => fetch.mock.calls[call][0].headers.get("Authorization");
  return { client, getToken, fetch, onUnauthenticated, sleep, advance, authorization };
}

/** What the generated functions do: a request through the client, its parsed body back. */
async function request(
  client: ApiClient,
  method: "GET" | "POST" | "DELETE",
  url: string,
  body?: unknown,
) {
  return (await client.request({ method, url, body })).data;
}

describe("createApiClient", () => {
  it("sends the token as a bearer credential and returns the JSON body", async () => {
    const { client, fetch, authorization } = setup([json(200, { ok: true })]);
    await expect(request(client, "GET", "/api/me")).resolves.toEqual({ ok: true });
    expect(fetch.mock.calls[0][0].url).toBe("http://api.test/api/me");
    expect(authorization(0)).toBe(`Bearer ${token("a")}`);
  });

  it("sends a JSON body with its content type", async () => {
    const { client, fetch } = setup([json(200, {})]);
    await request(client, "POST", "/api/tasks", { title: "x" });
    const sent = fetch.mock.calls[0][0];
    expect(sent.method).toBe("POST");
    expect(await sent.text()).toBe('{"title":"x"}');
    expect(sent.headers.get("Content-Type")).toBe("application/json");
  });

  it("encodes path parameters into the URL", async () => {
    const { client, fetch } = setup([json(200, {})]);
    await client.get({ url: "/api/{user_id}/tasks", path: { user_id: "a b/c" } });
    expect(fetch.mock.calls[0][0].url).toBe("http://api.test/api/a%20b%2Fc/tasks");
  });

  it("sends the same body again when it retries", async () => {
    const { client, fetch } = setup([json(401, {}), json(200, {})]);
    await request(client, "POST", "/api/tasks", { title: "x" });
    expect(await fetch.mock.calls[1][0].text()).toBe('{"title":"x"}');
  });

  it("keeps the token until shortly before it expires", async () => {
    const { client, getToken, advance, authorization } = setup([
      json(200, {}),
      json(200, {}),
      json(200, {}),
    ]);
    await request(client, "GET", "/one");
    advance(600);
    await request(client, "GET", "/two");
    expect(getToken).toHaveBeenCalledTimes(1);
    advance(290); // 10 s before exp: inside the 30 s margin
    await request(client, "GET", "/three");
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(authorization(2)).toBe(`Bearer ${token("b")}`);
  });

  it("fetches one token for requests that need it at the same time", async () => {
    const { client, getToken } = setup([json(200, {}), json(200, {}), json(200, {})]);
    await Promise.all([
      request(client, "GET", "/a"),
      request(client, "GET", "/b"),
      request(client, "GET", "/c"),
    ]);
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it("retries once with a fresh token after a 401", async () => {
    const { client, getToken, authorization, onUnauthenticated } = setup([
      json(401, { detail: "expired" }),
      json(200, { ok: true }),
    ]);
    await expect(request(client, "GET", "/api/me")).resolves.toEqual({ ok: true });
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(authorization(0)).toBe(`Bearer ${token("a")}`);
    expect(authorization(1)).toBe(`Bearer ${token("b")}`);
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });

  it("sends the person to sign in when the fresh token is refused too", async () => {
    const { client, fetch, onUnauthenticated } = setup([
      json(401, {}),
      json(401, { detail: "nope" }),
    ]);
    const failure = request(client, "GET", "/api/me");
    await expect(failure).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(failure).rejects.toMatchObject({ status: 401, body: { detail: "nope" } });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it("sends the person to sign in when there is no session", async () => {
    const { client, fetch, onUnauthenticated } = setup([], [null]);
    await expect(request(client, "GET", "/api/me")).rejects.toBeInstanceOf(UnauthorizedError);
    expect(fetch).not.toHaveBeenCalled();
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it("waits a moment and tries once more when the API cannot check tokens yet (503)", async () => {
    const { client, fetch, sleep, authorization } = setup([
      json(503, { detail: "Token verification is temporarily unavailable" }),
      json(200, { ok: true }),
    ]);
    await expect(request(client, "GET", "/api/me")).resolves.toEqual({ ok: true });
    expect(sleep).toHaveBeenCalledExactlyOnceWith(1000);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(authorization(1)).toBe(`Bearer ${token("a")}`);
  });

  it("gives up after one retry of a 503", async () => {
    const { client, fetch } = setup([json(503, {}), json(503, { detail: "still down" })]);
    const failure = request(client, "GET", "/api/me");
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 503, detail: "still down" });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("raises a typed error on 403 without redirecting", async () => {
    const { client, onUnauthenticated } = setup([json(403, { detail: "insufficient" })]);
    const failure = request(client, "GET", "/api/admin/stats");
    await expect(failure).rejects.toBeInstanceOf(ForbiddenError);
    await expect(failure).rejects.toMatchObject({ status: 403, detail: "insufficient" });
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });

  it("returns nothing for 204", async () => {
    const { client } = setup([new Response(null, { status: 204 })]);
    await expect(request(client, "DELETE", "/api/x")).resolves.toBeNull();
  });

  it("carries the status and the JSON error body of other failures", async () => {
    const { client } = setup([json(422, { detail: [{ msg: "field required" }] })]);
    const failure = request(client, "POST", "/api/x", {});
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({
      status: 422,
      body: { detail: [{ msg: "field required" }] },
    });
  });

  it("keeps a non-JSON error body as text", async () => {
    const { client } = setup([new Response("Bad gateway", { status: 502 })]);
    await expect(request(client, "GET", "/api/x")).rejects.toMatchObject({
      status: 502,
      body: "Bad gateway",
    });
  });
});

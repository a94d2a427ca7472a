/**
 * The API's generated client (lib/openapi/, `npm run generate:api`) with one transport that sends
 * `Authorization: Bearer <token>`:
 *
 * - keeps the token in memory until shortly before it expires;
 * - when several requests need a token at once, fetches one for all of them;
 * - after a 503 (the API cannot check tokens yet, e.g. its key source is still starting), waits a
 *   moment and tries once more;
 * - after a 401, gets a fresh token and retries once; if that fails too, the person is sent to
 *   sign in again (`onUnauthenticated`) and the call rejects with `UnauthorizedError`;
 * - a 403 rejects with `ForbiddenError` and does not redirect: the person is signed in but not
 *   allowed; other failures reject with `ApiError` carrying the status and the JSON error body.
 */
import { decodeJwt } from "jose";
import { type Client, createClient, createConfig } from "../openapi/client/index.ts";

/** What the generated functions take as `client`. */
export type ApiClient = Client;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message = `API request failed with status ${status}`,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** FastAPI's `{"detail": ...}`, when the body has one. */
  get detail(): string | undefined {
    const detail = (this.body as { detail?: unknown } | null)?.detail;
    return typeof detail === "string" ? detail : undefined;
  }
}

export class UnauthorizedError extends ApiError {
  constructor(body: unknown = null) {
    super(401, body, "Not signed in, or the session has ended");
    this.name = "UnauthorizedError";
  }
}

export class ForbiddenError extends ApiError {
  constructor(body: unknown) {
    super(403, body, "Signed in, but not allowed to do this");
    this.name = "ForbiddenError";
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  /** A fresh token, or null when nobody is signed in. */
  getToken: () => Promise<string | null>;
  /** Called when no token is accepted; in the browser it goes to the login page. */
  onUnauthenticated: () => void;
  /** Renew this long before `exp` (seconds). */
  refreshMarginSeconds?: number;
  /** Wait this long before the one retry of a 503 (milliseconds). */
  unavailableRetryDelayMs?: number;
  fetch?: (request: Request) => Promise<Response>;
  now?: () => number;
  sleep?: (milliseconds: number) => Promise<void>;
}

/** A client for the generated functions: `getMe({ client })`. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  return createClient(
    createConfig({
      baseUrl: options.baseUrl,
      throwOnError: true,
      fetch: authenticatedFetch(options),
    }),
  );
}

/** The transport: the bearer token, its cache, the retries and the typed errors. */
export function authenticatedFetch(options: ApiClientOptions): typeof fetch {
  const send = options.fetch ?? ((request) => fetch(request));
  const now = options.now ?? (() => Date.now() / 1000);
  const margin = options.refreshMarginSeconds ?? 30;
  const retryDelay = options.unavailableRetryDelayMs ?? 1000;
  const sleep =
    options.sleep ?? ((milliseconds) => new Promise((done) => setTimeout(done, milliseconds)));
  let cached: { token: string; expiresAt: number } | null = null;
  let pending: Promise<string | null> | null = null;

  function token(): Promise<string | null> {
    if (cached && cached.expiresAt - margin > now()) return Promise.resolve(cached.token);
    pending ??= options
      .getToken()
      .then((fresh) => {
        cached = fresh ? { token: fresh, expiresAt: expiryOf(fresh) } : null;
        return fresh;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  function unauthenticated(body: unknown = null): never {
    options.onUnauthenticated();
    throw new UnauthorizedError(body);
  }

  return async (input, init) => {
    const request = new Request(input, init);
    // A request's body can be read once: each try sends a copy.
    const call = (bearer: string) => {
      const attempt = request.clone();
      attempt.headers.set("Authorization", `Bearer ${bearer}`);
      return send(attempt);
    };
    const first = await token();
    if (!first) unauthenticated();
    let response = await call(first);
    if (response.status === 503) {
      await sleep(retryDelay);
      response = await call(first);
    }
    if (response.status === 401) {
      // Only drop the token that was refused: concurrent 401s then share one renewal.
      if (cached?.token === first) cached = null;
      const second = await token();
      if (!second) unauthenticated(await errorBody(response));
      response = await call(second);
      if (response.status === 401) unauthenticated(await errorBody(response));
    }
    if (response.status === 403) throw new ForbiddenError(await errorBody(response));
    if (!response.ok) throw new ApiError(response.status, await errorBody(response));
    return response;
  };
}

function expiryOf(token: string): number {
  try {
    return decodeJwt(token).exp ?? 0;
  } catch {
    return 0; // unreadable: use it once, renew on the next call
  }
}

async function errorBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text || null;
  }
}

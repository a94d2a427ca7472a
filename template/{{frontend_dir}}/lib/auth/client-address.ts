/**
 * Better Auth counts sign-in attempts per client address, which it reads from the header the
 * reverse proxy sets (lib/config.ts). In production, a request without that header did not come
 * through the proxy: counted without an address, it would share one count with every other such
 * request, and one client could lock everyone out. So it is refused, saying why.
 *
 * Not the two documents the API fetches for as long as it runs (the key set, the revocation
 * list): they are the same for every client and no limit counts them, so the API may fetch them
 * from an instance directly, with no proxy between.
 */
type Handler = (request: Request) => Promise<Response>;

/** Better Auth's paths (under /api/auth) that no rate limit counts (lib/auth/options.ts). */
export const UNCOUNTED_PATHS = ["/jwks", "/revocations"];

const AUTH_BASE_PATH = "/api/auth";

export function throughTheProxy(
  handler: Handler,
  header: string | null,
  production = process.env.NODE_ENV === "production",
): Handler {
  if (!header || !production) return handler;
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (
      request.headers.get(header) ||
      UNCOUNTED_PATHS.includes(path.slice(AUTH_BASE_PATH.length))
    ) {
      return handler(request);
    }
    console.error(
      `auth: refused ${path}: no ${header} header. Reach this site through the reverse proxy ` +
        "that sets it (docs/deploying.md), or, to try the production build without one, set " +
        "CLIENT_IP_HEADER=none (sign-in limits then count every client together).",
    );
    return Response.json(
      {
        message:
          `This request did not come through the site's proxy (no ${header} header), so ` +
          "sign-in attempts cannot be counted per client. Running the production build without " +
          "a proxy? Set CLIENT_IP_HEADER=none.",
      },
      { status: 421 },
    );
  };
}

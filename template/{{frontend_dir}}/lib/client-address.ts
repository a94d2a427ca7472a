/**
 * Better Auth counts sign-in attempts per client address, which it reads from the header the
 * reverse proxy sets (lib/config.ts). In production, a request without that header did not come
 * through the proxy: counted without an address, it would share one count with every other such
 * request, and one client could lock everyone out. So it is refused, saying why.
 */
type Handler = (request: Request) => Promise<Response>;

export function throughTheProxy(
  handler: Handler,
  header: string | null,
  production = process.env.NODE_ENV === "production",
): Handler {
  if (!header || !production) return handler;
  return async (request) => {
    if (request.headers.get(header)) return handler(request);
    console.error(
      `auth: refused ${new URL(request.url).pathname}: no ${header} header. Reach this site ` +
        "through the reverse proxy that sets it (README, Deploying), or set CLIENT_IP_HEADER.",
    );
    return Response.json(
      {
        message:
          `This request did not come through the site's proxy (no ${header} header), so ` +
          "sign-in attempts cannot be counted per client.",
      },
      { status: 421 },
    );
  };
}

import { getSessionCookie } from "better-auth/cookies";
import { type NextRequest, NextResponse } from "next/server";
import { loginUrl } from "@/lib/navigation";

/**
 * Sends people without a session cookie to the login page before protected pages render.
 * This only looks for the cookie; each protected page still checks the session on the server.
 */
export function proxy(request: NextRequest) {
  if (getSessionCookie(request)) return NextResponse.next();
  const returnUrl = request.nextUrl.pathname + request.nextUrl.search;
  return NextResponse.redirect(new URL(loginUrl(returnUrl), request.url));
}

export const config = { matcher: ["/dashboard/:path*", "/sessions/:path*"] };

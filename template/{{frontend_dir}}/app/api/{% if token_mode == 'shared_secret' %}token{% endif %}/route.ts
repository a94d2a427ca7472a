import { headers } from "next/headers";
import { NextResponse } from "next/server";
import { mintApiToken } from "@/lib/api-token";
import { auth } from "@/lib/auth";

/** GET /api/token: an HS256 API token for the signed-in user (401 without a session). */
export async function GET() {
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) {
    return NextResponse.json({ error: "not signed in" }, { status: 401 });
  }
  const token = await mintApiToken(session.user);
  return NextResponse.json({ token }, { headers: { "Cache-Control": "no-store" } });
}

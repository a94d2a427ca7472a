import { headers } from "next/headers";
import { NextResponse } from "next/server";
import { sessionToken } from "@/lib/auth/api-token";

/** GET /api/token: an HS256 API token for the signed-in user (401 without a session). */
export async function GET() {
  const token = await sessionToken(await headers());
  if (token === null) {
    return NextResponse.json({ error: "not signed in" }, { status: 401 });
  }
  return NextResponse.json({ token }, { headers: { "Cache-Control": "no-store" } });
}

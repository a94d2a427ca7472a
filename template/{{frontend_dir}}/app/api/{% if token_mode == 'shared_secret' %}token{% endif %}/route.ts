import { headers } from "next/headers";
import { NextResponse } from "next/server";
import { auth } from "@/lib/auth";
import { sessionToken } from "@/lib/shared-secret";

/** GET /api/token: an HS256 API token for the signed-in user (401 without a session). */
export async function GET() {
  const token = await sessionToken(auth, await headers());
  if (token === null) {
    return NextResponse.json({ error: "not signed in" }, { status: 401 });
  }
  return NextResponse.json({ token }, { headers: { "Cache-Control": "no-store" } });
}

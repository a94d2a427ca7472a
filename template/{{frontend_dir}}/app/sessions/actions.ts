"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth";
import { liveSessionOf } from "@/lib/auth/sessions";

// Sessions are named by their id in the page; their tokens (the cookies' secrets) never leave
// the server. Each session that ends reaches the API's revocation list within seconds.

/** End one of the signed-in person's other sessions (another device signs out). */
export async function endSession(sessionId: string) {
  const requestHeaders = await headers();
  const current = await auth.api.getSession({ headers: requestHeaders });
  const ending = current && (await liveSessionOf(current.user.id, sessionId));
  if (ending) {
    await auth.api.revokeSession({ headers: requestHeaders, body: { token: ending.token } });
  }
  revalidatePath("/sessions");
}

/** End every session of the signed-in person, this one included. */
export async function signOutEverywhere() {
  await auth.api.revokeSessions({ headers: await headers() });
  redirect("/login");
}

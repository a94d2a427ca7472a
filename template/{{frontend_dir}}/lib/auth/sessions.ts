import "server-only";
import { auth } from "../auth.ts";
import { everyRow } from "./every-row.ts";

/** A session as the sessions page shows it (its token stays on the server). */
export interface LiveSession {
  id: string;
  token: string;
  userId: string;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  ipAddress?: string | null;
  userAgent?: string | null;
  /** How it signed in (lib/auth/authentication-methods.ts). */
  amr?: string | null;
}

/** Every live session of a user, however many (Better Auth's own list stops at 100). */
export async function liveSessionsOf(userId: string): Promise<LiveSession[]> {
  const { adapter } = await auth.$context;
  return everyRow<LiveSession>(adapter, "session", [
    { field: "userId", value: userId },
    { field: "expiresAt", operator: "gt", value: new Date() },
  ]);
}

/** One live session of this user, by its id (undefined if it is not theirs, or has ended). */
export async function liveSessionOf(userId: string, sessionId: string) {
  const { adapter } = await auth.$context;
  const session = await adapter.findOne<LiveSession>({
    model: "session",
    where: [
      { field: "id", value: sessionId },
      { field: "userId", value: userId },
    ],
  });
  return session && new Date(session.expiresAt) > new Date() ? session : undefined;
}

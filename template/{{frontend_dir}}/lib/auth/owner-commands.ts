import type { AuthContext, DBAdapter } from "better-auth";

/** What an owner's command may use of Better Auth: its database, and its user updates. */
export interface OwnerContext {
  adapter: Pick<DBAdapter, "deleteMany">;
  internalAdapter: Pick<AuthContext["internalAdapter"], "updateUser">;
}

/**
 * One of the owner's commands (`npm run user -- <name> <email>`, scripts/user.ts) that a mode
 * adds; it answers what it did.
 */
export interface OwnerCommand {
  readonly usage: string;
  run(context: OwnerContext, userId: string): Promise<string>;
}

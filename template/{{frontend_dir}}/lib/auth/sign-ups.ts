import type { AuthContext, BetterAuthPlugin, GenericEndpointContext } from "better-auth";
import { createAuthMiddleware, requestPasswordReset } from "better-auth/api";
import { addressTakenMail } from "../mail/messages.ts";
import type { Mail } from "../mail/transport.ts";

/**
 * Sign-ups that answer the same whether an address is new or taken (Better Auth's generic answer,
 * with `autoSignIn: false`), and what happens when it is taken, after the answer has gone:
 *
 * - an account whose owner confirmed the address: its owner is told by mail (sign in, or reset
 *   the password); nothing changes;
 * - an account nobody confirmed yet: it belongs to whoever holds the inbox, not to whoever
 *   signed up first. Its password is removed and its sessions end (at the API too), and the
 *   address is mailed a link to choose a password, which also confirms it. Someone who signed
 *   up with another person's address before them keeps nothing: not the password, not a session,
 *   not the confirmation mail's effect (following it signs in whoever holds the inbox).
 */

/** Where a mailed link to choose a password leads; `claim` tells the page what it is for. */
export const CLAIM_PATH = "/reset-password?claim=1";

interface Account {
  id: string;
  email: string;
  emailVerified: boolean;
}

export function signUps(options: { appName: string; deliver: (mail: Mail) => void }) {
  let context: AuthContext | undefined;

  /**
   * For `emailAndPassword.onPasswordReset`: whoever followed a mailed reset link holds the inbox,
   * so the address is confirmed.
   */
  async function confirmAddress({ user }: { user: { id: string; emailVerified: boolean } }) {
    if (!context) throw new Error("signUps: its plugin is not in Better Auth's plugins");
    if (!user.emailVerified) {
      await context.internalAdapter.updateUser(user.id, { emailVerified: true });
    }
  }

  async function answerTakenAddress(ctx: GenericEndpointContext, owner: Account) {
    if (owner.emailVerified) {
      options.deliver(addressTakenMail(options.appName, owner.email, `${origin(ctx)}/login`));
      return;
    }
    const { adapter, internalAdapter } = ctx.context;
    await adapter.update({
      model: "account",
      where: [
        { field: "userId", value: owner.id },
        { field: "providerId", value: "credential" },
      ],
      update: { password: null },
    });
    await internalAdapter.deleteUserSessions(owner.id);
    // Better Auth's own reset mail (lib/auth/options.ts sends it), its link leading to CLAIM_PATH.
    await requestPasswordReset({ ...ctx, body: { email: owner.email, redirectTo: CLAIM_PATH } });
  }

  const plugin = {
    id: "sign-ups",
    init: (authContext) => {
      context = authContext;
    },
    hooks: {
      after: [
        {
          matcher: (ctx) => ctx.path === "/sign-up/email",
          handler: createAuthMiddleware(async (ctx) => {
            const answered = ctx.context.returned as { user?: { id?: string } } | undefined;
            const email = (ctx.body as { email?: unknown } | undefined)?.email;
            if (!answered?.user || typeof email !== "string") return; // refused: nothing made
            const found = await ctx.context.internalAdapter.findUserByEmail(email.toLowerCase());
            if (!found || found.user.id === answered.user.id) return; // a new account
            // After the answer, so that its time says nothing about the address either.
            answerTakenAddress(ctx, found.user).catch((error: unknown) => {
              console.error(`sign-up: could not answer a taken address: ${String(error)}`);
            });
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;

  return { plugin, confirmAddress };
}

function origin(ctx: GenericEndpointContext): string {
  return new URL(ctx.context.baseURL).origin;
}

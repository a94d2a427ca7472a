import { type BetterAuthPlugin, getCurrentAdapter } from "better-auth";
import { APIError } from "better-auth/api";

/**
 * Banned accounts: a `banned` user field that only the server sets (`npm run user -- ban`), and
 * no new session for a banned user. Banning also ends their sessions (scripts/user.ts), so their
 * tokens are refused at the API within seconds (lib/auth/revocations.ts).
 */
export const ACCOUNT_SUSPENDED = "ACCOUNT_SUSPENDED";

export function bans() {
  return {
    id: "bans",
    schema: {
      user: {
        fields: {
          banned: { type: "boolean", required: false, input: false, defaultValue: false },
        },
      },
    },
    init: (context) => ({
      options: {
        databaseHooks: {
          session: {
            create: {
              before: async (session) => {
                const adapter = await getCurrentAdapter(context.adapter);
                const user = await adapter.findOne<{ banned?: boolean | null }>({
                  model: "user",
                  where: [{ field: "id", value: session.userId }],
                });
                if (user?.banned) {
                  throw new APIError("FORBIDDEN", {
                    code: ACCOUNT_SUSPENDED,
                    message: "This account is suspended",
                  });
                }
              },
            },
          },
        },
      },
    }),
  } satisfies BetterAuthPlugin;
}

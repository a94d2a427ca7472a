import "server-only";
import { betterAuth } from "better-auth";
import { type AuthParts, authOptions } from "./auth/options.ts";
import { signInProviders } from "./auth/providers/index.ts";
import { setUpProviders } from "./auth/providers/setup.ts";
import * as db from "./server/db.ts";
import * as store from "./server/session-store.ts";
import { mailSender, mailSettings } from "./mail/transport.ts";
import { readOptionalSecret, readSecret } from "./server/secrets.ts";

/** lib/server/db.ts: Better Auth's database, one module per answer to database. */
export interface DatabaseModule {
  readonly database: AuthParts["database"];
}

/** lib/server/session-store.ts: where sessions are read first, one module per answer to session_store. */
export interface SessionStoreModule {
  readonly sessionStore: AuthParts["sessionStore"];
}

// tsc checks the project's database and session store modules against their roles here.
const { database }: DatabaseModule = db;
const { sessionStore }: SessionStoreModule = store;

/** The sign-in providers, each with its client id and secret, or the settings it lacks. */
export const providers = setUpProviders(signInProviders, readOptionalSecret);

/** Better Auth, as this site runs it: its database and session store, its secret, mail server and providers. */
export const auth = betterAuth(
  authOptions({
    database,
    sessionStore,
    secret: readSecret("BETTER_AUTH_SECRET"),
    sendMail: mailSender(mailSettings(readOptionalSecret("SMTP_URL"))),
    providers,
  }),
);

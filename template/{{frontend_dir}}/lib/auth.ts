import "server-only";
import { betterAuth } from "better-auth";
import { authOptions } from "./auth/options.ts";
import { database } from "./server/db.ts";
import { mailSender, mailSettings } from "./mail/transport.ts";
import { readOptionalSecret, readSecret } from "./server/secrets.ts";

/** Better Auth, as this site runs it: its database, its secret, its mail server. */
export const auth = betterAuth(
  authOptions({
    database,
    secret: readSecret("BETTER_AUTH_SECRET"),
    sendMail: mailSender(mailSettings(readOptionalSecret("SMTP_URL"))),
  }),
);

import "server-only";
import { betterAuth } from "better-auth";
import { authOptions } from "./auth-options.ts";
import { database } from "./db.ts";
import { mailSender, mailSettings } from "./mail.ts";
import { readOptionalSecret, readSecret } from "./secrets.ts";

/** Better Auth, as this site runs it: its database, its secret, its mail server. */
export const auth = betterAuth(
  authOptions({
    database,
    secret: readSecret("BETTER_AUTH_SECRET"),
    sendMail: mailSender(mailSettings(readOptionalSecret("SMTP_URL"))),
  }),
);

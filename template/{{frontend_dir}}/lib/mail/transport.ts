import "server-only";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nodemailer from "nodemailer";

/** One message: its HTML and plain-text bodies say the same; `link` is what the person follows. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  link: string;
}

export type SendMail = (mail: Mail) => Promise<void>;

/** Where mail goes: SMTP_URL's server, or (in development, without one) the console and a folder. */
export interface MailSettings {
  smtpUrl?: string;
  from: string;
  outbox: string;
  production: boolean;
}

/** Sender of development mail: no server needed, and a real domain's mail is not spoofed. */
const DEVELOPMENT_FROM = "no-reply@localhost";

export function mailSettings(
  smtpUrl: string | undefined,
  env: Record<string, string | undefined> = process.env,
): MailSettings {
  // `next build` runs with NODE_ENV=production but sends nothing.
  const production = env.NODE_ENV === "production" && env.NEXT_PHASE !== "phase-production-build";
  const from = env.EMAIL_FROM?.trim() || DEVELOPMENT_FROM;
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^/]/.test(smtpUrl)) {
    throw new Error(
      "SMTP_URL is not an SMTP address: write smtp://user:password@host:587 (STARTTLS) or " +
        "smtps://user:password@host:465 (TLS).",
    );
  }
  if (production && !smtpUrl) {
    throw new Error(
      "SMTP_URL is not set: password resets and email verification need a mail server in " +
        "production. Set SMTP_URL (smtp://user:password@host:587) and EMAIL_FROM (see .env.example).",
    );
  }
  if (smtpUrl && from === DEVELOPMENT_FROM) {
    throw new Error(
      "EMAIL_FROM is not set: mail sent through SMTP_URL needs a sender address of your domain " +
        '(EMAIL_FROM="My App <no-reply@example.com>").',
    );
  }
  return { smtpUrl, from, outbox: env.MAIL_OUTBOX ?? ".outbox", production };
}

/** Sends through SMTP_URL's server; without one (development only), prints and keeps each mail. */
export function mailSender(settings: MailSettings): SendMail {
  if (settings.smtpUrl) {
    const transport = nodemailer.createTransport(settings.smtpUrl);
    return async ({ to, subject, text, html }) => {
      await transport.sendMail({ from: settings.from, to, subject, text, html });
    };
  }
  return async (mail) => {
    const file = join(settings.outbox, `${new Date().toISOString().replace(/[:.]/g, "-")}.eml`);
    mkdirSync(settings.outbox, { recursive: true, mode: 0o700 });
    writeFileSync(file, asMessage(settings.from, mail), { mode: 0o600 });
    console.info(`mail: to ${mail.to}: "${mail.subject}" (no SMTP_URL; kept in ${file})`);
    console.info(`mail: link: ${mail.link}`);
  };
}

/** A development mail as a file a mail program opens (the plain-text part: links stay clickable). */
function asMessage(from: string, mail: Mail): string {
  return [
    `From: ${from}`,
    `To: ${mail.to}`,
    `Subject: ${mail.subject}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    mail.text,
  ].join("\n");
}

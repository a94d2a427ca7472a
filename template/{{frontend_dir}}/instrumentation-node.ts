import { mailSettings } from "./lib/mail";
import { readOptionalSecret } from "./lib/secrets";

/**
 * Settings that would fail later (no mail server in production, say) stop the server as it
 * starts, with their message, rather than at the first request that needs them.
 */
export function checkSettingsOrExit() {
  try {
    mailSettings(readOptionalSecret("SMTP_URL"));
  } catch (error) {
    // Next.js would log it and go on serving; a server that cannot send mail must not start.
    console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

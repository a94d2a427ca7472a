import { signInProviders } from "./lib/auth/providers/index";
import { stillToSet } from "./lib/auth/providers/provider";
import { providerOptions, setUpProviders } from "./lib/auth/providers/setup";
import { clientIpHeader } from "./lib/config";
import { mailSettings } from "./lib/mail/transport";
import { readOptionalSecret } from "./lib/server/secrets";

/**
 * Settings that would fail later (no mail server in production, say) stop the server as it
 * starts, with their message, rather than at the first request that needs them; and a
 * production server says once what it expects in front of it.
 */
export function checkSettingsOrExit() {
  const providers = setUpProviders(signInProviders, readOptionalSecret);
  try {
    mailSettings(readOptionalSecret("SMTP_URL"));
    providerOptions(providers); // a provider's settings that are set, checked
  } catch (error) {
    // Next.js would log it and go on serving; a server that cannot send mail, or would send
    // people to a provider it cannot trust, must not start.
    console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  // A provider without its settings is off (its button says so); say it once where logs go.
  for (const { provider, missing } of providers) {
    if (missing.length > 0) {
      console.warn(
        `auth: sign-in with ${provider.name} is off until ${stillToSet(missing)} ` +
          "(README, Sign-in providers).",
      );
    }
  }
  if (process.env.NODE_ENV === "production" && clientIpHeader) {
    console.info(
      `auth: sign-ins are counted per client address, from the ${clientIpHeader} header a ` +
        "reverse proxy sets (docs/deploying.md); a browser's sign-in without it is refused. " +
        "Trying the production build without a proxy? Start it with CLIENT_IP_HEADER=none.",
    );
  }
}

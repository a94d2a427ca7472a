/**
 * Runs once as the server starts: settings that would fail later (no mail server in production,
 * say) stop it here with their message, rather than at the first request that needs them.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { mailSettings } = await import("./lib/mail");
  const { readOptionalSecret } = await import("./lib/secrets");
  try {
    mailSettings(readOptionalSecret("SMTP_URL"));
  } catch (error) {
    // Next.js would log it and go on serving; a server that cannot send mail must not start.
    console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

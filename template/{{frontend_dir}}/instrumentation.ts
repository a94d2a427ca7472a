/** Runs once as the server starts (Next.js calls it in each runtime; the checks need Node.js). */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkSettingsOrExit } = await import("./instrumentation-node");
    checkSettingsOrExit();
  }
}

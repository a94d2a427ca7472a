/**
 * The owner's command for one account:
 *   npm run user -- grant <email> <claim>=<value>   set a custom claim (tokens made before are
 *                                                   refused at the API within seconds)
 *   npm run user -- end-sessions <email>            sign them out everywhere
 *   npm run user -- ban <email>                     end their sessions, refuse new ones
 *   npm run user -- unban <email>
 * and the commands of this project's second factor and passkeys (lib/auth/second-factor.ts,
 * lib/auth/passkeys.ts), which end every session of theirs too:
 *   npm run user -- reset-two-factor <email>        two-factor sign-in off
 *   npm run user -- remove-passkeys <email>         their passkeys removed
 * Tokens of ended sessions are refused at the API within seconds (lib/auth/revocations.ts).
 */
import { auth } from "../lib/auth.ts";
import { parseClaim } from "../lib/auth/claim-values.ts";
import { passkeyCommands } from "../lib/auth/passkeys.ts";
import { secondFactorCommands } from "../lib/auth/second-factor.ts";

// The commands of this project's second factor and passkeys, by their names.
const modeCommands = { ...secondFactorCommands, ...passkeyCommands };
const COMMANDS = ["grant", "end-sessions", "ban", "unban", ...Object.keys(modeCommands)];
const USAGE = `Usage: npm run user -- ${[
  "grant <email> <claim>=<value>",
  "end-sessions <email>",
  "ban <email>",
  "unban <email>",
  ...Object.values(modeCommands).map((command) => command.usage),
].join(" | ")}`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const [command, email, assignment] = process.argv.slice(2);
if (!command || !email || !COMMANDS.includes(command)) {
  fail(USAGE);
}
const context = await auth.$context;
const found = await context.internalAdapter.findUserByEmail(email.toLowerCase());
if (!found) fail(`No account has the email ${email}.`);
const userId = found.user.id;

if (command === "grant") {
  const claim = parseClaim(assignment);
  if ("error" in claim) fail(claim.error);
  await auth.api.changeClaims({ body: { userId, claims: { [claim.name]: claim.value } } });
  console.log(
    `${email}: ${claim.name} = ${JSON.stringify(claim.value)}. The API refuses their tokens` +
      " made before within seconds, and their browser fetches new ones: they stay signed in.",
  );
} else if (command === "unban") {
  await context.internalAdapter.updateUser(userId, { banned: false });
  console.log(`${email} may sign in again.`);
} else if (command in modeCommands) {
  // A change to how they sign in: every session they have ends too.
  const done = await modeCommands[command].run(context, userId);
  await auth.api.endUserSessions({ body: { userId } });
  console.log(
    `${email}: ${done}. Signed out everywhere (the API refuses their tokens within seconds).`,
  );
} else {
  if (command === "ban") await context.internalAdapter.updateUser(userId, { banned: true });
  await auth.api.endUserSessions({ body: { userId } });
  console.log(
    command === "ban"
      ? `${email} is banned: signed out everywhere (the API refuses their tokens within seconds), and cannot sign in.`
      : `${email} is signed out everywhere: the API refuses their tokens within seconds.`,
  );
}
process.exit(0);

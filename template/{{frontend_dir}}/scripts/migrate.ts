/**
 * Creates or updates Better Auth's tables (user, session, account, verification, jwks).
 * Run with `npm run db:migrate`; safe to run again.
 */
import { getMigrations } from "better-auth/db/migration";
import { auth } from "../lib/auth.ts";

const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(auth.options);
if (toBeCreated.length === 0 && toBeAdded.length === 0) {
  console.log("Database is up to date.");
} else {
  await runMigrations();
  for (const table of toBeCreated) console.log(`created table ${table.table}`);
  for (const table of toBeAdded)
    console.log(`added columns to ${table.table}: ${Object.keys(table.fields).join(", ")}`);
}
process.exit(0);

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const FRONTEND = fileURLToPath(new URL("..", import.meta.url));
// The modules that hold or read secrets: Next.js bundles them for the server only. (So does
// lib/api/server.ts, which plain Node cannot load: next/headers resolves only in Next.js.)
const SERVER_MODULES = [
  "lib/auth/api-token.ts",
  "lib/auth.ts",
  "lib/server/db.ts",
  "lib/server/secret-source.ts",
  "lib/server/secrets.ts",
];

/** Imports a module in a fresh Node, resolving packages with these export conditions. */
function importModule(module: string, conditions: string[]) {
  const flags = conditions.map((condition) => `--conditions=${condition}`);
  return spawnSync(
    process.execPath,
    [
      ...flags,
      "--experimental-strip-types",
      "--disable-warning=ExperimentalWarning",
      "--input-type=module",
      "--eval",
      `await import(${JSON.stringify(`./${module}`)});`,
    ],
    { cwd: FRONTEND, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
  );
}

describe("modules that hold secrets", () => {
  it.each(SERVER_MODULES)("%s refuses to load outside the server", (module) => {
    const result = importModule(module, []);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("cannot be imported from a Client Component module");
  });

  it("loads on the server (the react-server condition), as db:migrate loads it", () => {
    const result = importModule("lib/server/secrets.ts", ["react-server"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  // Tests run as the server's code does: there "server-only" resolves to an empty module.
  ssr: { resolve: { conditions: ["react-server"] } },
  test: { include: ["tests/**/*.test.ts"], environment: "node" },
});

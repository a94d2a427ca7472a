import type { BetterAuthPlugin } from "better-auth";

/**
 * The seam between the shared frontend and its token mode. Every mode renders the same two
 * files, and the rest of the frontend imports only these names from them;
 * tests/token-mode.test.ts makes `tsc` check that this project's files provide them.
 */

/** lib/token-plugins.ts: the Better Auth plugins that make API tokens, if any. */
export interface TokenPluginsRole {
  readonly tokenPlugins: readonly BetterAuthPlugin[];
}

/** lib/api-token.ts: the API token of a request's session (server only). */
export interface ApiTokenRole {
  sessionToken(requestHeaders: Headers): Promise<string | null>;
}

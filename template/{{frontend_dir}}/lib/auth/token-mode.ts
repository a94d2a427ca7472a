import type { BetterAuthPlugin } from "better-auth";
import type { RevocationListSigner } from "./revocations.ts";

/**
 * The seam between the shared frontend and its token mode. Every mode renders the same two
 * files, and the rest of the frontend imports only these names from them;
 * tests/token-mode.test.ts makes `tsc` check that this project's files provide them.
 */

/** lib/auth/token-plugins.ts: the plugins that make API tokens, and the revocation list's signer. */
export interface TokenPluginsRole {
  readonly tokenPlugins: readonly BetterAuthPlugin[];
  readonly signRevocationList: RevocationListSigner;
}

/** lib/auth/api-token.ts: the API token of a request's session (server only). */
export interface ApiTokenRole {
  sessionToken(requestHeaders: Headers): Promise<string | null>;
}

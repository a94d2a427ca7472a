import { expectTypeOf, test } from "vitest";
import type * as apiToken from "../lib/auth/api-token.ts";
import type { ApiTokenRole, TokenPluginsRole } from "../lib/auth/token-mode.ts";
import type * as tokenPlugins from "../lib/auth/token-plugins.ts";

// Checked by `tsc` (npm run typecheck), which fails when a mode's file lacks a role's name or
// gives it another type.
test("this token mode's files provide every role the shared frontend uses", () => {
  expectTypeOf<typeof tokenPlugins>().toExtend<TokenPluginsRole>();
  expectTypeOf<typeof apiToken>().toExtend<ApiTokenRole>();
});

"use client";

import { createAuthClient } from "better-auth/react";
import { organizationClientPlugins } from "./organizations-client.ts";
import { passkeyClientPlugins } from "./passkeys-client.ts";
import { secondFactorClientPlugins } from "./second-factor-client.ts";

/**
 * Better Auth in the browser: sign up, sign in, sign out, the session, a second factor, passkeys,
 * organizations.
 */
export const authClient = createAuthClient({
  plugins: [...secondFactorClientPlugins, ...passkeyClientPlugins, ...organizationClientPlugins],
});

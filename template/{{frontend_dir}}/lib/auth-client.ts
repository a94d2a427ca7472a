"use client";

import { createAuthClient } from "better-auth/react";
import { secondFactorClientPlugins } from "./second-factor-client.ts";

/** Better Auth in the browser: sign up, sign in, sign out, the session and a second factor. */
export const authClient = createAuthClient({ plugins: secondFactorClientPlugins });

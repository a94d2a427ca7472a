"use client";

import { createAuthClient } from "better-auth/react";

/** Better Auth in the browser: sign up, sign in, sign out and the session. */
export const authClient = createAuthClient();

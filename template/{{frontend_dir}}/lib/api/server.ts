import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { type ApiClient, createApiClient } from "./transport.ts";
import { sessionToken } from "../auth/api-token.ts";
import { apiUrl } from "../config.ts";
import { loginUrl } from "../navigation.ts";

/**
 * The API client for server components, route handlers and server actions: the token comes
 * from the request's Better Auth session. Make one per request.
 */
export async function serverApi(returnUrl = "/dashboard"): Promise<ApiClient> {
  const requestHeaders = await headers();
  return createApiClient({
    baseUrl: apiUrl,
    getToken: () => sessionToken(requestHeaders),
    onUnauthenticated: () => redirect(loginUrl(returnUrl)),
  });
}

import type { BetterAuthOptions } from "better-auth";
import type { GenericOAuthConfig } from "better-auth/plugins";

export type SocialProviders = NonNullable<BetterAuthOptions["socialProviders"]>;

/** Better Auth's configuration of one provider: a built-in social one, or a generic OAuth one. */
export type ProviderConfiguration =
  { socialProviders: SocialProviders } | { genericOAuth: GenericOAuthConfig };

/** What a provider whose settings are not all set waits for: "X and Y are set", "X is set". */
export function stillToSet(missing: readonly string[]): string {
  return `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} set`;
}

/** lib/auth/providers/<id>.ts: a sign-in provider besides email and password. */
export interface SignInProvider {
  /** Better Auth's id for it: its callback is /api/auth/callback/<id>. */
  readonly id: string;
  /** On the buttons: "Continue with <name>". */
  readonly name: string;
  /** The settings it needs, read where the other secrets live: the client id, then the secret. */
  readonly settings: readonly [string, string];
  /** Better Auth's configuration, from the values of `settings`. */
  configure(clientId: string, clientSecret: string): ProviderConfiguration;
}

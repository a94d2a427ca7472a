import type { BetterAuthPlugin } from "better-auth";
import { type GenericOAuthConfig, genericOAuth } from "better-auth/plugins";
import type { SignInProvider, SocialProviders } from "./provider.ts";

/** A provider with its settings read: their values when both are set, else the missing names. */
export interface ProviderSetup {
  readonly provider: SignInProvider;
  readonly credentials?: readonly [string, string];
  readonly missing: readonly string[];
}

/** What the sign-in pages show of a provider: a button, or the settings it still needs. */
export interface ProviderButton {
  readonly id: string;
  readonly name: string;
  readonly missing: readonly string[];
}

export function setUpProviders(
  providers: readonly SignInProvider[],
  read: (name: string) => string | undefined,
): ProviderSetup[] {
  return providers.map((provider) => {
    const values = provider.settings.map(read); // each read once: a secret may be a file
    const [clientId, clientSecret] = values;
    const missing = provider.settings.filter((_, index) => !values[index]);
    return clientId && clientSecret
      ? { provider, credentials: [clientId, clientSecret], missing }
      : { provider, missing };
  });
}

/** Better Auth's options for the providers whose settings are all set; the others are left out. */
export function providerOptions(setups: readonly ProviderSetup[]) {
  const socialProviders: SocialProviders = {};
  const generic: GenericOAuthConfig[] = [];
  for (const { provider, credentials } of setups) {
    if (!credentials) continue;
    const configuration = provider.configure(...credentials);
    if ("genericOAuth" in configuration) generic.push(configuration.genericOAuth);
    else Object.assign(socialProviders, configuration.socialProviders);
  }
  const plugins: BetterAuthPlugin[] = generic.length ? [genericOAuth({ config: generic })] : [];
  return { socialProviders, plugins };
}

export function providerButtons(setups: readonly ProviderSetup[]): ProviderButton[] {
  return setups.map(({ provider, missing }) => ({ id: provider.id, name: provider.name, missing }));
}

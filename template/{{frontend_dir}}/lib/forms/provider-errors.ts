/**
 * What went wrong with a sign-in provider, in words: Better Auth returns to the page with the
 * `error` it names (and the provider's own, such as access_denied when someone cancels there).
 */
const PROVIDER_ERROR_WORDS: Record<string, string> = {
  access_denied: "Sign-in was cancelled at the provider. Nothing changed.",
  // A provider that answers a refusal without the request's `state` (some test providers do).
  state_not_found:
    "The provider answered without the sign-in it belongs to (cancelled there, or started " +
    "elsewhere). Nothing changed: try again.",
  account_not_linked:
    "An account with this email exists already, and it joins a provider only when both have " +
    "confirmed the address. Sign in with your password, then link the provider under Sessions.",
  state_mismatch:
    "That sign-in could not be checked (it was started in another tab, or took too long). " +
    "Try again.",
  please_restart_the_process: "That sign-in took too long or was started elsewhere. Try again.",
  invalid_code: "The provider's answer could not be used. Try again.",
  unable_to_link_account:
    "The provider could not be linked: it has not verified the address, or it is linked already.",
  email_does_not_match: "That provider account has another email than yours: use one with yours.",
  account_already_linked_to_different_user:
    "That provider account is linked to another account here.",
  email_not_found: "The provider did not share an email address. Allow it, then try again.",
  email_not_verified: "The provider has not verified your email address yet.",
  unable_to_get_user_info: "The provider did not answer who you are. Try again in a moment.",
};

export function describeProviderError(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return (
    PROVIDER_ERROR_WORDS[code] ??
    `Signing in with the provider failed (${code.slice(0, 60)}). Try again, or use your password.`
  );
}

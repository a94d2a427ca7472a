/** Where to send a person who must sign in: back to where they were afterwards. */
export function loginUrl(returnUrl: string): string {
  return `/login?returnUrl=${encodeURIComponent(returnUrl)}`;
}

/** The second step of a sign-in with two-factor on: a code, then back to where they were. */
export function twoFactorUrl(returnUrl: string): string {
  return `/login/two-factor?returnUrl=${encodeURIComponent(returnUrl)}`;
}

const STAND_IN_ORIGIN = "https://this-site.invalid";

/**
 * A return URL from the query string, if it stays on this site (no open redirect); else
 * `fallback`. It is parsed as a browser parses it (tabs and newlines dropped, `\` read as `/`)
 * against a stand-in origin and kept only if it stays there; a repeated parameter (an array) is
 * refused.
 */
export function safeReturnUrl(value: unknown, fallback = "/dashboard"): string {
  if (typeof value !== "string" || !value.startsWith("/")) {
    return fallback;
  }
  let url: URL;
  try {
    url = new URL(value, STAND_IN_ORIGIN);
  } catch {
    return fallback;
  }
  return url.origin === STAND_IN_ORIGIN ? url.pathname + url.search + url.hash : fallback;
}

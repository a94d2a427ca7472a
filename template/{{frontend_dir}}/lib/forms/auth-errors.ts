/** Better Auth's errors, in words a person understands, next to the field they are about. */

export type AuthError = { code?: string; message?: string; status?: number };
export type FieldName =
  "name" | "email" | "password" | "currentPassword" | "confirmPassword" | "code";
export type FormErrors = { form?: string; fields: Partial<Record<FieldName, string>> };

/** Each code Better Auth answers with, and the field it is about. */
const ERROR_WORDS: Record<string, [FieldName, string]> = {
  INVALID_CODE: ["code", "This code is not the one your app shows now: type its current code."],
  CODE_ALREADY_USED: ["code", "This code was used already: wait for your app's next one."],
  INVALID_BACKUP_CODE: ["code", "This is not one of your unused backup codes."],
  INVALID_EMAIL_OR_PASSWORD: ["password", "Wrong email or password."],
  INVALID_PASSWORD: ["currentPassword", "This is not your current password."],
  INVALID_EMAIL: ["email", "This is not an email address."],
  USER_ALREADY_EXISTS: ["email", "An account with this email exists already: sign in instead."],
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: [
    "email",
    "An account with this email exists already: sign in instead.",
  ],
  PASSWORD_TOO_SHORT: ["password", "This password is too short: use at least 8 characters."],
  PASSWORD_TOO_LONG: ["password", "This password is too long."],
  PASSWORDS_DIFFER: ["confirmPassword", "The two passwords differ: type the same one twice."],
  EMAIL_NOT_VERIFIED: ["email", "Confirm your email first: follow the link we mailed you."],
  NOT_SIGNED_IN_AFTER_SIGN_UP: [
    "email",
    "This email and password do not sign you in. If the email has an account already, we " +
      "mailed it how to sign in.",
  ],
};

/**
 * A sign-up answered, but its email and password did not sign in: the address has an account
 * already (its owner is mailed), or it could not be made. Better Auth answers a sign-up the same
 * either way, so this is said only here, after the sign-in that anyone may try.
 */
export const NOT_SIGNED_IN_AFTER_SIGN_UP = "NOT_SIGNED_IN_AFTER_SIGN_UP";

/** A reset link that was used already, or is too old. */
export const INVALID_TOKEN = "INVALID_TOKEN";

/** Codes about the whole form, not one field. */
const FORM_WORDS: Record<string, string> = {
  INVALID_TWO_FACTOR_COOKIE: "This sign-in has expired: sign in with your password again.",
  TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE:
    "Too many wrong codes for this sign-in: sign in with your password again.",
  ACCOUNT_TEMPORARILY_LOCKED:
    "Too many wrong codes: two-factor sign-in is locked for 15 minutes. Try again later.",
};

export function describeAuthError(error: AuthError, failure: string): FormErrors {
  const known = error.code ? ERROR_WORDS[error.code] : undefined;
  if (known) return { fields: { [known[0]]: known[1] } };
  const sentence = error.code ? FORM_WORDS[error.code] : undefined;
  if (sentence) return { form: sentence, fields: {} };
  if (error.status === 429) {
    return { form: "Too many attempts. Wait a few seconds, then try again.", fields: {} };
  }
  return { form: `${failure}: ${error.message ?? "something went wrong"}.`, fields: {} };
}

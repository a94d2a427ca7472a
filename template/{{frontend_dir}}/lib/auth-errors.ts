/** Better Auth's errors, in words a person understands, next to the field they are about. */

export type AuthError = { code?: string; message?: string; status?: number };
export type FieldName = "name" | "email" | "password" | "currentPassword";
export type FormErrors = { form?: string; fields: Partial<Record<FieldName, string>> };

/** Each code Better Auth answers with, and the field it is about. */
const ERROR_WORDS: Record<string, [FieldName, string]> = {
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
};

export function describeAuthError(error: AuthError, failure: string): FormErrors {
  const known = error.code ? ERROR_WORDS[error.code] : undefined;
  if (known) return { fields: { [known[0]]: known[1] } };
  if (error.status === 429) {
    return { form: "Too many attempts. Wait a few seconds, then try again.", fields: {} };
  }
  return { form: `${failure}: ${error.message ?? "something went wrong"}.`, fields: {} };
}

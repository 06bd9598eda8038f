// What the sign-up and sign-in form says: a sentence for the user, chosen by Better Auth's error
// code (or the field a validation error names), never the validator's raw text.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./rules";

export const MESSAGES = {
  nameRequired: "Enter your name.",
  emailRequired: "Enter your email address.",
  emailInvalid: "Enter a valid email address, like name@example.com.",
  passwordRequired: "Enter your password.",
  passwordTooShort: `Use a password of at least ${PASSWORD_MIN_LENGTH} characters.`,
  passwordTooLong: `Use a password of at most ${PASSWORD_MAX_LENGTH} characters.`,
  emailTaken: "An account with this email already exists. Sign in instead, or use another email.",
  wrongCredentials: "Wrong email or password.",
  tooManyAttempts: "Too many attempts. Wait a few seconds, then try again.",
  unavailable: "The service is unavailable right now. Try again in a moment.",
  unreachable: "The server cannot be reached. Check your connection and try again.",
  wrongAddress: "The app does not accept requests from this address. Open it at the address it was started with.",
  other: "Something went wrong. Try again in a moment.",
} as const;

const BY_CODE: Record<string, string> = {
  NAME_REQUIRED: MESSAGES.nameRequired,
  INVALID_EMAIL: MESSAGES.emailInvalid,
  PASSWORD_TOO_SHORT: MESSAGES.passwordTooShort,
  PASSWORD_TOO_LONG: MESSAGES.passwordTooLong,
  USER_ALREADY_EXISTS: MESSAGES.emailTaken,
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: MESSAGES.emailTaken,
  INVALID_EMAIL_OR_PASSWORD: MESSAGES.wrongCredentials,
  DATABASE_UNAVAILABLE: MESSAGES.unavailable,
  INVALID_ORIGIN: MESSAGES.wrongAddress, // the page's origin is not Better Auth's baseURL's
};

/** Better Auth's validation errors name the field: "[body.email] Invalid email address". */
const BY_FIELD: Record<string, string> = {
  name: MESSAGES.nameRequired,
  email: MESSAGES.emailInvalid,
  password: MESSAGES.passwordRequired,
};

export function authErrorMessage(error: { code?: string; status?: number; message?: string }): string {
  if (error.code && BY_CODE[error.code]) return BY_CODE[error.code];
  if (error.status === 429) return MESSAGES.tooManyAttempts;
  if (error.status === 503) return MESSAGES.unavailable;
  if (error.code === "VALIDATION_ERROR") {
    const field = /\[body\.(\w+)\]/.exec(error.message ?? "")?.[1];
    if (field && BY_FIELD[field]) return BY_FIELD[field];
  }
  return MESSAGES.other;
}

/** The form's own checks, before any request: the first problem, or null. */
export function checkForm(mode: "sign-up" | "sign-in", fields: { name: string; email: string; password: string }) {
  if (mode === "sign-up" && !fields.name.trim()) return MESSAGES.nameRequired;
  if (!fields.email.trim()) return MESSAGES.emailRequired;
  if (!/^[^\s@]+@[^\s@]+$/.test(fields.email.trim())) return MESSAGES.emailInvalid;
  if (!fields.password) return MESSAGES.passwordRequired;
  if (mode === "sign-up" && fields.password.length < PASSWORD_MIN_LENGTH) return MESSAGES.passwordTooShort;
  if (mode === "sign-up" && fields.password.length > PASSWORD_MAX_LENGTH) return MESSAGES.passwordTooLong;
  return null;
}

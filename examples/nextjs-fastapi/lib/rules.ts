// The sign-up rules, shared by the server (Better Auth's options, lib/auth.ts) and the form
// (app/auth-form.tsx), so the form states the same minimum the server enforces.

/** Better Auth's emailAndPassword.minPasswordLength (its default, stated here once). */
export const PASSWORD_MIN_LENGTH = 8;
/** Better Auth's emailAndPassword.maxPasswordLength (its default, stated here once). */
export const PASSWORD_MAX_LENGTH = 128;

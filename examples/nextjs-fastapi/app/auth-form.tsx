"use client";
// The sign-up and sign-in form: Better Auth's client on /api/auth. The form checks what it can
// before sending (a name, an email address, the password's minimum length), and any refusal is
// shown as a sentence chosen by Better Auth's error code (lib/auth-messages.ts), never raw text.
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { MESSAGES, authErrorMessage, checkForm } from "@/lib/auth-messages";
import { PASSWORD_MIN_LENGTH } from "@/lib/rules";

export function AuthForm({ mode }: { mode: "sign-up" | "sign-in" }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const fields = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    };
    const problem = checkForm(mode, fields);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { error } =
        mode === "sign-up"
          ? await authClient.signUp.email({ email: fields.email, password: fields.password, name: fields.name.trim() })
          : await authClient.signIn.email({ email: fields.email, password: fields.password });
      if (error) {
        setError(authErrorMessage(error));
        return;
      }
      window.location.assign("/todos");
    } catch {
      setError(MESSAGES.unreachable);
    } finally {
      setBusy(false);
    }
  }

  const signUp = mode === "sign-up";
  return (
    <main>
      <h1>{signUp ? "Create an account" : "Sign in"}</h1>
      {/* noValidate: the form's own checks (lib/auth-messages.ts) word the messages. */}
      <form onSubmit={submit} noValidate style={{ display: "grid", gap: 8 }}>
        {signUp && (
          <label>
            Name <input name="name" autoComplete="name" required />
          </label>
        )}
        <label>
          Email <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password{" "}
          <input
            name="password"
            type="password"
            autoComplete={signUp ? "new-password" : "current-password"}
            required
            minLength={signUp ? PASSWORD_MIN_LENGTH : undefined}
            aria-describedby={signUp ? "password-rule" : undefined}
          />
        </label>
        {signUp && (
          <small id="password-rule" data-testid="password-rule">
            At least {PASSWORD_MIN_LENGTH} characters.
          </small>
        )}
        <button type="submit" disabled={busy}>
          {signUp ? "Sign up" : "Sign in"}
        </button>
        {error && (
          <p role="alert" data-testid="error" style={{ color: "crimson" }}>
            {error}
          </p>
        )}
      </form>
      <p>
        {signUp ? <Link href="/sign-in">I have an account</Link> : <Link href="/sign-up">Create an account</Link>}
      </p>
    </main>
  );
}

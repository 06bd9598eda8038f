"use client";
// The sign-up and sign-in form: Better Auth's client on /api/auth; any error is shown as Better
// Auth words it (duplicate email, invalid email, short password, too many attempts, ...).
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";

export function AuthForm({ mode }: { mode: "sign-up" | "sign-in" }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    setBusy(true);
    setError(null);
    try {
      const { error } =
        mode === "sign-up"
          ? await authClient.signUp.email({ email, password, name: String(form.get("name")) })
          : await authClient.signIn.email({ email, password });
      if (error) {
        setError(error.message ?? error.statusText ?? "Something went wrong");
        return;
      }
      window.location.assign("/todos");
    } catch {
      setError("The server cannot be reached; try again");
    } finally {
      setBusy(false);
    }
  }

  const signUp = mode === "sign-up";
  return (
    <main>
      <h1>{signUp ? "Create an account" : "Sign in"}</h1>
      {/* noValidate: the server's checks (Better Auth's) decide, and their messages are shown. */}
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
          <input name="password" type="password" autoComplete={signUp ? "new-password" : "current-password"} required />
        </label>
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

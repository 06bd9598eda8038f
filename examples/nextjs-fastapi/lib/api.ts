"use client";
// Calls the FastAPI todo API with Better Auth's JWT as `Authorization: Bearer`. The JWT is fetched
// from Better Auth (GET /api/auth/token, with the session cookie) and refreshed silently before it
// expires: a timer renews it ahead of expiry, and a call never sends one about to expire.
import { authClient } from "./auth-client";

type Cached = { token: string; exp: number; iat: number };
let cached: Cached | null = null;
let pending: Promise<string> | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;

function claims(token: string): { exp: number; iat: number } {
  const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(payload));
}

/** Seconds before expiry when a token is renewed: a minute, or a quarter of a short lifetime. */
function margin(token: Cached): number {
  return Math.min(60, (token.exp - token.iat) / 4);
}

function fresh(token: Cached | null): token is Cached {
  return token !== null && Date.now() / 1000 < token.exp - margin(token);
}

async function fetchToken(): Promise<string> {
  const { data, error } = await authClient.token();
  if (error || !data) {
    forgetToken();
    throw new Error("not signed in");
  }
  const { exp, iat } = claims(data.token);
  cached = { token: data.token, exp, iat };
  if (timer) clearTimeout(timer);
  const renewIn = Math.max(1, cached.exp - margin(cached) - Date.now() / 1000) * 1000;
  timer = setTimeout(() => void apiToken(true).catch(() => {}), renewIn); // silent refresh
  return data.token;
}

/** A JWT valid for at least the renewal margin; one request at a time asks Better Auth for it. */
export async function apiToken(renew = false): Promise<string> {
  if (!renew && fresh(cached)) return cached.token;
  pending ??= fetchToken().finally(() => {
    pending = null;
  });
  return pending;
}

export function forgetToken(): void {
  cached = null;
  if (timer) clearTimeout(timer);
  timer = null;
}

/** fetch() on the todo API; a 401 (a key rotated, the clock skewed) gets one new token and one retry. */
export async function api(apiUrl: string, path: string, init: RequestInit = {}): Promise<Response> {
  const call = async (token: string) =>
    fetch(`${apiUrl}${path}`, {
      ...init,
      headers: { ...init.headers, Authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
  let res = await call(await apiToken());
  if (res.status === 401) res = await call(await apiToken(true));
  return res;
}

export async function signOut(): Promise<void> {
  forgetToken(); // forget the JWT
  await authClient.signOut(); // deletes the session row: no new JWT can be had
}

"use client";
// Better Auth's client in the browser (same origin: /api/auth/*), with the jwt plugin's token().
import { createAuthClient } from "better-auth/react";
import { jwtClient } from "better-auth/client/plugins";

export const authClient = createAuthClient({ plugins: [jwtClient()] });

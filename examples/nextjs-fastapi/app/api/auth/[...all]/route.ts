// Better Auth's routes (/api/auth/*) as a Next.js route handler.
import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/lib/auth";

export const { GET, POST } = toNextJsHandler(auth);

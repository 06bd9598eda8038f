// Better Auth's routes (/api/auth/*) as a Next.js route handler. A database outage answers 503
// with Retry-After, never a 500, whichever part of Better Auth met it first (its database rate
// limiter reads the rateLimit table before any plugin runs; lib/auth.ts throws such errors here).
import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/lib/auth";
import { RETRY_AFTER_SECONDS, isDatabaseOutage } from "@/lib/outage";

const handlers = toNextJsHandler(auth);

function outageAs503(handler: (request: Request) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    try {
      return await handler(request);
    } catch (error) {
      if (!isDatabaseOutage(error)) throw error;
      console.warn(`${request.method} ${new URL(request.url).pathname}: the database is unavailable (503)`);
      return Response.json(
        { code: "DATABASE_UNAVAILABLE", message: "The database is unavailable; try again" },
        { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" } },
      );
    }
  };
}

export const GET = outageAs503(handlers.GET);
export const POST = outageAs503(handlers.POST);

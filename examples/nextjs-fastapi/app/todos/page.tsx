// The todo page: only for a signed-in user (Better Auth's session, checked on the server); the
// todos themselves come from the FastAPI API, called from the browser with Better Auth's JWT.
// While the database cannot be reached, the page says so (app/unavailable.tsx).
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth";
import { isDatabaseOutage } from "@/lib/outage";
import { Unavailable } from "../unavailable";
import { Todos } from "./todos";

export const dynamic = "force-dynamic";

export default async function TodosPage() {
  let session;
  try {
    session = await auth.api.getSession({ headers: await headers() });
  } catch (error) {
    if (isDatabaseOutage(error)) return <Unavailable retryHref="/todos" />;
    throw error;
  }
  if (!session) redirect("/sign-in");
  // Read at request time, so one build serves any API address.
  const apiUrl = process.env.TODO_API_URL ?? "http://127.0.0.1:8000";
  return <Todos apiUrl={apiUrl} user={{ name: session.user.name, email: session.user.email }} />;
}

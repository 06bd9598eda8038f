"use client";
// Any other error while rendering a page: a plain message and a way to try again, instead of
// Next.js's generic error page (the error itself is in the server's log, not shown here).
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main data-testid="error-page">
      <h1>Something went wrong</h1>
      <p>The page could not be shown. Try again in a moment.</p>
      <button onClick={() => reset()}>Try again</button>
    </main>
  );
}

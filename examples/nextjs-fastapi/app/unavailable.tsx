// The page shown while the database cannot be reached: what happened and what to do, instead of
// Next.js's generic error page.
export function Unavailable({ retryHref }: { retryHref: string }) {
  return (
    <main data-testid="unavailable">
      <h1>The service is unavailable</h1>
      <p>We cannot reach the database right now. Your data is safe; try again in a moment.</p>
      <p>
        <a href={retryHref}>Try again</a>
      </p>
    </main>
  );
}

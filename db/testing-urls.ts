/** The server the tests create their databases on: DATABASE_URL, set by `npm test` when absent. */
export function adminUrl(): string {
  // A test file repoints DATABASE_URL at its own database; the server stays recorded here.
  const url = process.env.TEST_DATABASE_SERVER_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL must point at a PostgreSQL server for the tests (npm test sets it)");
  return url;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

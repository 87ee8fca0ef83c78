import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { connect } from "./client";

export const migrationsFolder = path.join(import.meta.dirname, "migrations");

/** Any constant of our own: the advisory lock key taken while migrating. */
const MIGRATION_LOCK = 7_402_611_203;

/**
 * Applies the committed SQL migrations. Safe to run on every start: applied ones are skipped.
 * Two deployments migrating at once take turns (a session advisory lock on the one connection).
 */
export async function migrateDatabase(url: string): Promise<void> {
  const connection = connect(url, { max: 1 });
  try {
    await connection.sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(connection.db, { migrationsFolder });
    await connection.sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await connection.close();
  }
}

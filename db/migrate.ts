import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { connect } from "./client";

export const migrationsFolder = path.join(import.meta.dirname, "migrations");

/** Applies the committed SQL migrations. Safe to run on every start: applied ones are skipped. */
export async function migrateDatabase(url: string): Promise<void> {
  const connection = connect(url, { max: 1 });
  try {
    await migrate(connection.db, { migrationsFolder });
  } finally {
    await connection.close();
  }
}

import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction or the database itself: business functions accept either. */
export type Executor = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface DatabaseConnection {
  db: Database;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export function connect(url: string, options: { max?: number } = {}): DatabaseConnection {
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {}, connection: { application_name: "symphonics-publisher" } });
  return { db: drizzle(sql, { schema }), sql, close: () => sql.end({ timeout: 5 }) };
}

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (the quickstart sets it; see README)");
  return url;
}

// One pool per process, kept across Next.js dev reloads.
const globalForDb = globalThis as unknown as { __database?: DatabaseConnection };

export function getConnection(): DatabaseConnection {
  globalForDb.__database ??= connect(databaseUrl());
  return globalForDb.__database;
}

export function getDb(): Database {
  return getConnection().db;
}

/** True for a unique-constraint violation, whether drizzle wrapped the driver's error or not. */
export function isUniqueViolation(error: unknown): boolean {
  const candidate = error as { code?: string; cause?: { code?: string } } | null;
  return candidate?.code === "23505" || candidate?.cause?.code === "23505";
}

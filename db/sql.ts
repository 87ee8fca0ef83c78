import { getTableColumns, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { PgDialect, type PgTable } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import type { Executor } from "./client";

/** SQL helpers for the statements the worker runs for every batch; free of the driver itself, so any module may import them. */

/**
 * The postgres.js client under a drizzle database or transaction, for libraries that run their
 * own SQL (pg-boss) and must join our transaction: enqueueing then commits or rolls back with it.
 */
export function rawClient(executor: Executor): postgres.Sql {
  return (executor as unknown as { session: { client: postgres.Sql } }).session.client;
}

const dialect = new PgDialect();

/**
 * Runs `query` as a prepared statement of the connection that takes it, and returns its rows as
 * `execute` would. Drizzle sends a statement unprepared unless it is named, and postgres.js then has
 * PostgreSQL describe it before every run: two round trips. Prepared, it is described once per
 * connection and each later run takes one. For statements whose text does not vary (ids as one
 * array, rows as one JSON parameter); statements built from filters would each stay prepared on
 * every connection, so they go through `execute`.
 */
export async function executePrepared<T extends Record<string, unknown>>(executor: Executor, query: SQL): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return (await rawClient(executor).unsafe(text, params as never[], { prepare: true })) as unknown as T[];
}

/**
 * `column = any($1::uuid[])`: one parameter however many ids, so a batch's statement reads the same
 * whatever its size, and each connection prepares it once (an `in ($1, …, $n)` list is a new
 * statement for every n).
 */
export function isAnyOf(column: SQLWrapper, ids: readonly string[]): SQL {
  return sql`${column} = any(${sql.param(ids)}::uuid[])`;
}

/**
 * A row of `table` read by raw SQL (`select t.*`), as drizzle's own select returns it: columns
 * under their schema keys, each value decoded by its column (dates, numbers, JSON).
 */
export function rowOf<T extends PgTable>(table: T, raw: Record<string, unknown>): T["$inferSelect"] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T["$inferSelect"];
}

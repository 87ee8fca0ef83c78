import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

/** SQL helpers for queries the driver runs often; free of the driver itself, so any module may import them. */

/**
 * `column = any($1::uuid[])`: one parameter however many ids, so a batch's statement reads the same
 * whatever its size, and each connection prepares it once (an `in ($1, …, $n)` list is a new
 * statement for every n, each costing an extra round trip to describe on every connection).
 */
export function isAnyOf(column: SQLWrapper, ids: readonly string[]): SQL {
  return sql`${column} = any(${sql.param(ids)}::uuid[])`;
}

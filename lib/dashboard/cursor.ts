import { sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { referenceSchema } from "@/lib/interventions/intake-schema";
import { storableTimestamp } from "@/lib/values";

/**
 * Keyset cursor of the dashboard's lists: the sort key of the last row shown and its id, as
 * base64url JSON. A cursor comes back from the browser, so it is checked as fully as any other
 * parameter before it reaches a query: a forged one is a 422, never a cast error.
 */
export const CURSOR_REFUSED = "is not a cursor this list produced; start again from the first page";

/**
 * A time key: RFC 3339 in UTC with microseconds, written by PostgreSQL itself (a JavaScript
 * Date would round the microseconds and skip or repeat rows), whatever the session's time zone.
 */
export const cursorTime = (column: PgColumn | SQL) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const isCursorTime = (key: string) => storableTimestamp.safeParse(key).success;

/** What a list sorts by; for a list sortable both ways, its schema checks the key against the sort. */
const keys = { time: storableTimestamp, time_or_reference: z.union([storableTimestamp, referenceSchema]) };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The `cursor` query parameter of a list sorted by `key`, decoded to the key and the row id. */
export function cursorParameter(key: keyof typeof keys) {
  const shape = z.tuple([keys[key], z.guid()]);
  return z.string().transform((value, ctx) => {
    const parsed = value.length <= 300 ? shape.safeParse(parseJson(Buffer.from(value, "base64url").toString("utf8"))) : null;
    if (parsed?.success) return { key: parsed.data[0], id: parsed.data[1] };
    ctx.addIssue({ code: "custom", message: CURSOR_REFUSED });
    return z.NEVER;
  });
}

export const encodeCursor = (key: string, id: string) => Buffer.from(JSON.stringify([key, id])).toString("base64url");

import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { validationFailed } from "@/lib/errors";

/** A zone by name (IANA), or a fixed offset east of UTC as ISO 8601 writes it (+05:30). */
export type TimeZone = { kind: "name"; name: string } | { kind: "offset"; offset: string };

const USE_A_ZONE = "must be an IANA time zone, e.g. Europe/Paris";

/**
 * The staff member's time zone, so that days and chart buckets are their own. The browser's Intl
 * decides what a zone is; PostgreSQL must know it too (see `checkTimeZone`).
 */
export const timeZoneSchema = z
  .string()
  .max(64, USE_A_ZONE)
  .transform((zone, ctx): TimeZone => {
    try {
      // Intl writes every offset form it accepts (+0530, +05) as ±HH:MM.
      const resolved = new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
      return /^[+-]\d{2}:\d{2}$/.test(resolved) ? { kind: "offset", offset: resolved } : { kind: "name", name: zone };
    } catch {
      ctx.addIssue({ code: "custom", message: USE_A_ZONE });
      return z.NEVER;
    }
  })
  .prefault("UTC");

/**
 * The zone for `AT TIME ZONE`. PostgreSQL reads a bare "+05:30" as a POSIX zone, 5:30 west of UTC;
 * an interval it reads with the ISO 8601 sign, east of UTC, as the browser does.
 */
export const atTimeZone = (zone: TimeZone): SQL => (zone.kind === "offset" ? sql`${zone.offset}::interval` : sql`${zone.name}`);

/**
 * The names PostgreSQL knows, lower-cased as it compares them, read once per process: reading
 * pg_timezone_names walks the server's whole zone database (30 to 150 ms for ~1,200 names), so
 * doing it in each request's SQL would cost more than the request, and the list only changes with
 * the server's time zone data.
 */
let knownZones: Promise<Set<string>> | undefined;

function zonesKnownTo(db: Executor): Promise<Set<string>> {
  knownZones ??= db.execute<{ name: string }>(sql`select lower(name) as name from pg_timezone_names`).then(
    (rows) => new Set(rows.map((row) => row.name)),
    (error: unknown) => {
      knownZones = undefined;
      throw error;
    },
  );
  return knownZones;
}

/**
 * The one check of a zone name against PostgreSQL, which refuses some names Intl accepts
 * (US/Pacific-New): a 422 on `tz` rather than a failed query. The schemas cannot make it, being
 * synchronous; every read model taking a `tz` calls this first.
 */
export async function checkTimeZone(db: Executor, zone: TimeZone): Promise<void> {
  if (zone.kind === "offset") return;
  const known = await zonesKnownTo(db);
  if (known.has(zone.name.toLowerCase())) return;
  // Intl's canonical name for the same zone, when PostgreSQL knows that one (America/Los_Angeles).
  const canonical = new Intl.DateTimeFormat("en", { timeZone: zone.name }).resolvedOptions().timeZone;
  const hint = known.has(canonical.toLowerCase()) ? `use ${canonical}, the same zone` : "use another IANA time zone, e.g. Europe/Paris";
  throw validationFailed([{ field: "tz", message: `is not a time zone the database knows: ${hint}` }]);
}

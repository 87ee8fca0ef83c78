import { z } from "zod";

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The staff member's IANA time zone, so that days and chart buckets are their own. */
export const timeZoneSchema = z.string().max(64).refine(isTimeZone, "must be an IANA time zone, e.g. Europe/Paris").default("UTC");

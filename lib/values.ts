import { z } from "zod";

/**
 * Values PostgreSQL can hold and the product can read back. A NUL character cannot be stored in
 * text at all, a lone surrogate is not text, and a date outside this range is either a typing
 * slip (year 30 for 2030) or a value JavaScript's Date cannot format once stored.
 */
export const EARLIEST_DATE = new Date("1970-01-01T00:00:00Z");
export const LATEST_DATE = new Date("2100-12-31T23:59:59.999Z");

export const UNSTORABLE_TEXT_MESSAGE = "must not contain NUL characters or unpaired surrogates";
export const DATE_RANGE_MESSAGE = "must be between 1970-01-01 and 2100-12-31";

/** False for text PostgreSQL would refuse (NUL) or that is not well-formed Unicode. */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && value.isWellFormed();
}

export function isStorableDate(value: Date): boolean {
  const time = value.getTime();
  return Number.isFinite(time) && time >= EARLIEST_DATE.getTime() && time <= LATEST_DATE.getTime();
}

/** Any string of at most `max` characters that can be stored. */
export const storableString = (max: number) =>
  z.string().max(max, `must be at most ${max} characters`).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

/** An RFC 3339 date-time with an offset, within the storable range. */
export const storableTimestamp = z.iso
  .datetime({ offset: true, error: "must be an RFC 3339 date-time, e.g. 2026-11-20T15:42:00Z" })
  // A value that is not a date-time at all is reported by the format check alone.
  .refine((value) => Number.isNaN(Date.parse(value)) || isStorableDate(new Date(value)), DATE_RANGE_MESSAGE);

/**
 * A stored time as the APIs write it: ISO 8601 in UTC, or null when there is none. Raw SQL rows
 * carry timestamps as text, drizzle's typed rows as Date; both are accepted.
 */
export function toIsoOrNull(value: Date | string): string;
export function toIsoOrNull(value: Date | string | null | undefined): string | null;
export function toIsoOrNull(value: Date | string | null | undefined): string | null {
  return value ? new Date(value).toISOString() : null;
}

"use client";

import { useFormat } from "./format";

/**
 * A time in the staff member's language and zone: Europe/Paris as the server renders it, the
 * browser's own zone once hydrated.
 */
export function LocalTime({ value, withSeconds = false, fallback = "—" }: { value: string | null | undefined; withSeconds?: boolean; fallback?: string }) {
  const format = useFormat();
  if (!value) return <>{fallback}</>;
  const date = new Date(value);
  return (
    <time dateTime={value} title={date.toISOString()}>
      {format.time(date, withSeconds ? "second" : "minute")}
    </time>
  );
}

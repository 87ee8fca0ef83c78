"use client";

import { useSyncExternalStore } from "react";

const subscribeNever = () => () => {};

/** The dashboard's ways of writing a time, in the browser's language and time zone. */
const FORMATS = {
  minute: { dateStyle: "medium", timeStyle: "short" },
  second: { dateStyle: "medium", timeStyle: "medium" },
  hourOfDay: { hour: "2-digit", minute: "2-digit" },
  day: { day: "numeric", month: "short" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

export function formatLocal(value: string | Date, format: keyof typeof FORMATS): string {
  return new Date(value).toLocaleString(undefined, FORMATS[format]);
}

/**
 * A time in the staff member's own time zone. The server does not know that zone, so the
 * server render shows the UTC value and the browser replaces it after hydration.
 */
export function LocalTime({ value, withSeconds = false, fallback = "—" }: { value: string | null | undefined; withSeconds?: boolean; fallback?: string }) {
  const inBrowser = useSyncExternalStore(subscribeNever, () => true, () => false);
  if (!value) return <>{fallback}</>;
  const date = new Date(value);
  const text = inBrowser
    ? formatLocal(date, withSeconds ? "second" : "minute")
    : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return (
    <time dateTime={value} title={date.toISOString()}>
      {text}
    </time>
  );
}

/** "4 min ago" / "in 2 h", for ages and countdowns. */
export function relativeTime(value: string, now = Date.now()): string {
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, "second");
  if (abs < 3600) return format.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), "hour");
  return format.format(Math.round(seconds / 86_400), "day");
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

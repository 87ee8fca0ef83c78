"use client";

import { useFormatter, useNow } from "next-intl";
import { useSyncExternalStore } from "react";
import { DEFAULT_TIME_ZONE } from "@/lib/i18n/locales";
import { browserTimeZone } from "./api";

const subscribeNever = () => () => {};

/** The dashboard's ways of writing a time. */
const FORMATS = {
  minute: { dateStyle: "medium", timeStyle: "short" },
  second: { dateStyle: "medium", timeStyle: "medium" },
  hourOfDay: { hour: "2-digit", minute: "2-digit" },
  day: { day: "numeric", month: "short" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
export type TimeFormat = keyof typeof FORMATS;

/**
 * The zone times are shown in: Europe/Paris on the server (it cannot know the browser's), then the
 * browser's own once hydrated, so the first render matches and a staff member abroad sees theirs.
 */
export function useShownTimeZone(): string {
  return useSyncExternalStore(subscribeNever, browserTimeZone, () => DEFAULT_TIME_ZONE);
}

/** Dates, numbers, spans and relative times in the page's language (next-intl's formatter). */
export function useFormat() {
  const format = useFormatter();
  const timeZone = useShownTimeZone();
  const now = useNow({ updateInterval: 10_000 });
  return {
    time: (value: string | Date, style: TimeFormat = "minute") => format.dateTime(new Date(value), { ...FORMATS[style], timeZone }),
    number: (value: number) => format.number(value),
    percent: (share: number) => format.number(share, { style: "percent", maximumFractionDigits: share > 0 && share < 0.01 ? 1 : 0 }),
    /** "il y a 4 minutes" / "in 2 hours", for ages and countdowns. */
    relative: (value: string | Date) => format.relativeTime(new Date(value), now),
    /** "850 ms", "1,5 s", "12 min", "2,4 h". */
    duration: (ms: number) => {
      if (ms < 1000) return format.number(ms, { style: "unit", unit: "millisecond" });
      if (ms < 60_000) return format.number(ms / 1000, { style: "unit", unit: "second", maximumFractionDigits: 1 });
      if (ms < 3_600_000) return format.number(Math.round(ms / 60_000), { style: "unit", unit: "minute" });
      return format.number(ms / 3_600_000, { style: "unit", unit: "hour", maximumFractionDigits: 1 });
    },
    now,
  };
}

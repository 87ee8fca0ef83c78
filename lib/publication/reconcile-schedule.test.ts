import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { nextLookupAt, reconcileSchedule } from "./reconcile-schedule";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const created = new Date("2026-12-01T08:00:00Z");
const configOf = (vars: Record<string, string> = {}) => parseConfig({ NODE_ENV: "test", DATABASE_URL: "postgres://u@localhost/db", ...vars });
const schedule = reconcileSchedule(configOf());

/** Every lookup of a dossier never decided, each made as soon as it is due. */
function lookups(): number[] {
  const points: number[] = [];
  let at: Date | null = new Date(created.getTime() + schedule.firstMs);
  while (at) {
    points.push(at.getTime() - created.getTime());
    at = nextLookupAt(schedule, created, at);
  }
  return points;
}

describe("the reconciler's widening schedule", () => {
  it("by default: 15 min, 1 h, 6 h after creation, then each day up to 14 days, then none", () => {
    expect(lookups()).toEqual([15 * MINUTE, HOUR, 6 * HOUR, ...Array.from({ length: 14 }, (_, i) => (i + 1) * DAY)]);
  });

  it("a late lookup (workers down for a while) is followed by the next point still ahead, not by the missed ones", () => {
    expect(nextLookupAt(schedule, created, new Date(created.getTime() + 3 * DAY + 5 * HOUR))).toEqual(new Date(created.getTime() + 4 * DAY));
    expect(nextLookupAt(schedule, created, new Date(created.getTime() + 30 * MINUTE))).toEqual(new Date(created.getTime() + HOUR));
    expect(nextLookupAt(schedule, created, new Date(created.getTime() + 20 * DAY))).toBeNull();
  });

  it("is configurable", () => {
    const custom = reconcileSchedule(
      configOf({ RECONCILE_AFTER_MINUTES: "5", RECONCILE_THEN_MINUTES: "30", RECONCILE_REPEAT_MINUTES: "720", RECONCILE_GIVE_UP_DAYS: "2" }),
    );
    expect(custom).toEqual({ firstMs: 5 * MINUTE, thenMs: [30 * MINUTE], repeatMs: 12 * HOUR, giveUpMs: 2 * DAY });
    expect(nextLookupAt(custom, created, new Date(created.getTime() + 31 * MINUTE))).toEqual(new Date(created.getTime() + 12 * HOUR));
    expect(nextLookupAt(custom, created, new Date(created.getTime() + 2 * DAY))).toBeNull();
  });

  it("refuses a schedule that is not a list of minutes, naming the variable", () => {
    expect(() => configOf({ RECONCILE_THEN_MINUTES: "1h,6h" })).toThrow(/RECONCILE_THEN_MINUTES/);
  });
});

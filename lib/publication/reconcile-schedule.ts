import type { Config } from "@/lib/config";

/**
 * When the reconciler looks a dossier up, counted from its creation at Symphonics (the
 * publication's `published_at`): first after `firstMs`, then at each of `thenMs`, then at every
 * multiple of `repeatMs` (each day), up to `giveUpMs`: 15 min, 1 h, 6 h, 1 d, 2 d, … 14 d by default. Lookups thin out as a lost webhook becomes less likely to be the
 * only problem; a dossier still not final at the end is left to a person.
 */
export interface ReconcileSchedule {
  firstMs: number;
  /** Further lookups, each this long after creation, in increasing order. */
  thenMs: number[];
  repeatMs: number;
  giveUpMs: number;
}

const MINUTE = 60_000;

export function reconcileSchedule(config: Pick<Config, "RECONCILE_AFTER_MINUTES" | "RECONCILE_THEN_MINUTES" | "RECONCILE_REPEAT_MINUTES" | "RECONCILE_GIVE_UP_DAYS">): ReconcileSchedule {
  return {
    firstMs: config.RECONCILE_AFTER_MINUTES * MINUTE,
    thenMs: config.RECONCILE_THEN_MINUTES.map((minutes) => minutes * MINUTE),
    repeatMs: config.RECONCILE_REPEAT_MINUTES * MINUTE,
    giveUpMs: config.RECONCILE_GIVE_UP_DAYS * 24 * 60 * MINUTE,
  };
}

/**
 * The lookup after one made at `now` of a dossier created at `createdAt`; null when none is left
 * (the lookup at `now` is the last one: the dossier is then flagged if it is still not final).
 */
export function nextLookupAt(schedule: ReconcileSchedule, createdAt: Date, now: Date): Date | null {
  const elapsed = now.getTime() - createdAt.getTime();
  let offset = [schedule.firstMs, ...schedule.thenMs].find((point) => point > elapsed);
  if (offset === undefined) offset = (Math.floor(elapsed / schedule.repeatMs) + 1) * schedule.repeatMs;
  return offset > schedule.giveUpMs ? null : new Date(createdAt.getTime() + offset);
}

import { sql } from "drizzle-orm";
import type { FailedOutcome } from "@/lib/symphonics/outcomes";
import { recordFailure, recordHealthy } from "./circuit-breaker";
import type { PublicationDeps } from "./publish";
import { holdSince, reserveRequests } from "./rate-limiter";

/**
 * The publication run's answer to "may this failed photo batch go again now?"
 * (lib/symphonics/publish-dossier.ts, `retryPhotoBatch`). Under intermittent faults, a large
 * dossier's failed batch costs a short pause instead of a scheduled run, so its 40 batches do not
 * each wait for the queue. Each retry stays inside the rules every call obeys:
 * - it counts toward the circuit like any failure (5xx, no answer), and none is sent once the
 *   circuit is open, whoever opened it;
 * - it takes its own turn at the shared rate limit, which includes any Retry-After announced
 *   meanwhile (the failed call's own included), and waits for a hold announced after that turn;
 * - a wait longer than the rate limit's maximum, or retries spent, ends the run: the queue then
 *   schedules it as before, from the last confirmed batch.
 */
export function photoBatchRetries(deps: Pick<PublicationDeps, "db" | "settings" | "random" | "sleep">) {
  const { db, settings } = deps;
  let recovering = false;
  return {
    async retryPhotoBatch(outcome: FailedOutcome, retry: number): Promise<boolean> {
      if (retry > settings.photoBatchRetry.retries) return false;
      const symphonicsDown = outcome.kind === "ambiguous" || (outcome.kind === "retryable" && (outcome.httpStatus ?? 500) >= 500);
      if (symphonicsDown && (await recordFailure(db, settings.breaker)).opened) return false;
      if (!(await circuitClosed(deps))) return false;
      const turn = await reserveRequests(db, settings.rateLimit, 1);
      if (!turn.granted) return false;
      const pauseMs = settings.photoBatchRetry.pauseMs * 2 ** (retry - 1) * (0.5 + deps.random());
      const retryAfterMs = outcome.kind === "retryable" || outcome.kind === "rate_limited" ? (outcome.retryAfterMs ?? 0) : 0;
      await deps.sleep(Math.max(pauseMs, turn.waitMs, retryAfterMs));
      const hold = await holdSince(db, settings.rateLimit, turn.heldUntil);
      if (hold > settings.rateLimit.maxWaitMs) return false;
      if (hold > 0) await deps.sleep(hold);
      recovering = true;
      return true;
    },
    /** A batch went through: after a retried failure, the circuit hears that Symphonics is up. */
    async batchConfirmed(): Promise<void> {
      if (!recovering) return;
      recovering = false;
      await recordHealthy(db, settings.breaker);
    },
  };
}

async function circuitClosed({ db, settings }: Pick<PublicationDeps, "db" | "settings">): Promise<boolean> {
  const [row] = await db.execute<{ state: string }>(sql`select state from circuit_breakers where name = ${settings.breaker.name}`);
  return !row || row.state === "closed";
}

import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { PublicationQueue } from "./queue";
import { underwaySql } from "./status";

/** Publications untouched this long while underway must have a job; if not, they get one. */
const ORPHAN_AFTER = "2 minutes";

/**
 * The safety net behind "nothing is lost": a publication that is queued, retrying or in progress
 * always has a job, because every state change sends one in the same transaction. Should pg-boss
 * still drop one (a job that exhausted its crash retries, a manual purge), this finds the
 * publication without a job and queues it again. Returns how many it re-queued.
 */
export async function requeueOrphans(db: Database, queue: PublicationQueue): Promise<number> {
  return db.transaction(async (tx) => {
    const orphans = await tx.execute<{ intervention_id: string; next_attempt_at: Date | null }>(sql`
      select p.intervention_id, p.next_attempt_at from publications p
      where ${underwaySql(sql`p.status`)}
        and p.updated_at < now() - ${ORPHAN_AFTER}::interval
        and not ${queue.hasLiveJob(sql`p.intervention_id`)}
      order by p.updated_at
      limit 500
      for update of p skip locked`);
    for (const orphan of orphans) {
      await queue.enqueue(
        tx,
        { interventionId: orphan.intervention_id, trigger: "retry", triggeredBy: "system" },
        orphan.next_attempt_at ? { startAfter: new Date(orphan.next_attempt_at) } : {},
      );
    }
    return orphans.length;
  });
}

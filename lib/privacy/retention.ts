import { and, isNotNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog, publicationAttempts, webhookEvents } from "@/db/schema";
import { logger } from "@/lib/observability/logger";
import { WEBHOOK_SIGNATURE_REJECTED } from "@/lib/notifications/webhook-signature-failures";

export interface RetentionResult {
  attempts: number;
  webhookEvents: number;
  signatureFailures: number;
}

const BATCH = 5_000;

/**
 * Purges what may quote personal data once it is older than the retention period: Symphonics'
 * stored responses and the attempt messages, webhook payloads and reasons, and the records of
 * refused webhooks. The rows themselves stay (operation, status, code, duration, dates): they are
 * the publication history. Works in batches so a first run on a large history holds no long lock.
 */
export async function purgeExpiredDetails(db: Database, retentionDays: number): Promise<RetentionResult> {
  const cutoff = sql`now() - make_interval(days => ${retentionDays})`;
  const result: RetentionResult = { attempts: 0, webhookEvents: 0, signatureFailures: 0 };
  for (;;) {
    const purged = await db.execute<{ id: number }>(sql`
      update ${publicationAttempts} set response_excerpt = null, message = null
      where id in (
        select id from ${publicationAttempts}
        where ${lt(publicationAttempts.startedAt, cutoff)} and ${or(isNotNull(publicationAttempts.responseExcerpt), isNotNull(publicationAttempts.message))}
        limit ${BATCH})
      returning id`);
    result.attempts += purged.length;
    if (purged.length < BATCH) break;
  }
  for (;;) {
    const purged = await db.execute<{ id: number }>(sql`
      update ${webhookEvents} set payload = null, reason = null
      where id in (
        select id from ${webhookEvents}
        where ${lt(webhookEvents.receivedAt, cutoff)} and ${or(isNotNull(webhookEvents.payload), isNotNull(webhookEvents.reason))}
        limit ${BATCH})
      returning id`);
    result.webhookEvents += purged.length;
    if (purged.length < BATCH) break;
  }
  const refused = await db
    .delete(auditLog)
    .where(and(sql`${auditLog.action} = ${WEBHOOK_SIGNATURE_REJECTED}`, lt(auditLog.at, cutoff)))
    .returning({ id: auditLog.id });
  result.signatureFailures = refused.length;
  return result;
}

// One purge at a time across every worker.
const RETENTION_LOCK = 0x7e7e17;
const HOUR_MS = 3_600_000;

/** Purges at start and then hourly in this process; workers take turns through an advisory lock. */
export function startRetentionSchedule(db: Database, retentionDays: number) {
  const run = async () => {
    try {
      const outcome = await db.transaction(async (tx) => {
        const [lock] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${RETENTION_LOCK}) as locked`);
        return lock?.locked ? purgeExpiredDetails(db, retentionDays) : null;
      });
      if (outcome && outcome.attempts + outcome.webhookEvents + outcome.signatureFailures > 0) logger().info({ ...outcome, retentionDays }, "retention purge");
    } catch (error) {
      logger().error({ err: error }, "retention purge failed");
    }
  };
  void run();
  const timer = setInterval(() => void run(), HOUR_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

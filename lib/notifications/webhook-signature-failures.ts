import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { webhookSignatureFailures } from "@/db/schema";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";

/** Audit action of the refused webhooks once audited one by one; retention purges those rows. */
export const WEBHOOK_SIGNATURE_REJECTED = "webhook.signature_rejected";

/** Kept long enough to look back on a burst after its alert; the alert itself reads minutes. */
const KEPT_FOR = sql`interval '1 day'`;

/**
 * Records a webhook refused for its signature (`reason`: one of verifyWebhook's few sentences).
 * Anyone can send these, as fast as they like, so each costs one upsert on the minute's counter
 * row, which every web app instance adds to and the alert evaluator reads, rather than an audit
 * row each; and it is logged once per minute per reason, by whoever opens the minute's row.
 */
export async function recordWebhookSignatureFailure(db: Executor, reason: string): Promise<void> {
  metrics().webhookSignatureFailures.inc();
  metrics().webhookEvents.inc({ type: "unverified", outcome: "rejected_signature" });
  const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const [counted] = await db
    .insert(webhookSignatureFailures)
    .values({ minute, reason: reason.slice(0, 200) })
    .onConflictDoUpdate({ target: [webhookSignatureFailures.minute, webhookSignatureFailures.reason], set: { failures: sql`${webhookSignatureFailures.failures} + 1` } })
    .returning({ failures: webhookSignatureFailures.failures });
  if (counted?.failures !== 1) return;
  logger().warn({ reason }, "symphonics webhook refused");
  await db.delete(webhookSignatureFailures).where(sql`${webhookSignatureFailures.minute} < now() - ${KEPT_FOR}`);
}

/**
 * Webhooks refused in the last `windowSeconds`, counted by whole minutes: a minute that began up
 * to a minute before the window counts entirely.
 */
export async function countWebhookSignatureFailures(db: Executor, windowSeconds: number): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`
    select coalesce(sum(${webhookSignatureFailures.failures}), 0)::int as n from ${webhookSignatureFailures}
    where ${webhookSignatureFailures.minute} > now() - ${windowSeconds}::float8 * interval '1 second' - interval '1 minute'`);
  return Number(row?.n ?? 0);
}

import type { Executor } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { systemPrincipal } from "@/lib/auth/roles";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";

/** Audit action of a refused webhook; counted by the alert evaluator, purged after the retention period. */
export const WEBHOOK_SIGNATURE_REJECTED = "webhook.signature_rejected";

/**
 * Records a webhook refused for its signature. Kept in the database (not only in this process's
 * metrics) so that a burst is seen whichever web app instance received the calls.
 */
export async function recordWebhookSignatureFailure(db: Executor, reason: string): Promise<void> {
  metrics().webhookSignatureFailures.inc();
  metrics().webhookEvents.inc({ type: "unverified", outcome: "rejected_signature" });
  logger().warn({ reason }, "symphonics webhook refused");
  await recordAudit(db, systemPrincipal, WEBHOOK_SIGNATURE_REJECTED, null, { reason: reason.slice(0, 200) });
}

import { desc, eq, or } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { interventions, publicationAttempts, publications, webhookEvents, type Publication } from "@/db/schema";

const RECENT = 20;

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** Where a publication stands, as the API shows it (snake_case, like the rest of the API). */
export function publicationView(publication: Publication) {
  return {
    status: publication.status,
    dossier_id: publication.dossierId,
    dossier_status: publication.dossierStatus,
    rejection_reason: publication.rejectionReason,
    attempt_count: publication.attemptCount,
    consecutive_failures: publication.consecutiveFailures,
    last_error: publication.lastErrorCode
      ? { code: publication.lastErrorCode, message: publication.lastErrorMessage, at: iso(publication.lastErrorAt) }
      : null,
    problems: publication.problems ?? [],
    next_attempt_at: iso(publication.nextAttemptAt),
    queued_at: iso(publication.queuedAt),
    published_at: iso(publication.publishedAt),
    photos_sent: publication.photosSent,
  };
}

export type PublicationView = ReturnType<typeof publicationView>;

/** The synchronisation state of one intervention with its recent exchanges and webhook events. */
export async function syncStatusOf(db: Executor, reference: string) {
  const [row] = await db
    .select({ intervention: { id: interventions.id, reference: interventions.reference, status: interventions.status }, publication: publications })
    .from(interventions)
    .innerJoin(publications, eq(publications.interventionId, interventions.id))
    .where(eq(interventions.reference, reference));
  if (!row) return null;
  const { intervention, publication } = row;
  const [attempts, events] = await Promise.all([
    db
      .select()
      .from(publicationAttempts)
      .where(eq(publicationAttempts.interventionId, intervention.id))
      .orderBy(desc(publicationAttempts.startedAt), desc(publicationAttempts.id))
      .limit(RECENT),
    db
      .select()
      .from(webhookEvents)
      .where(
        publication.dossierId
          ? or(eq(webhookEvents.dossierId, publication.dossierId), eq(webhookEvents.externalReference, intervention.reference))
          : eq(webhookEvents.externalReference, intervention.reference),
      )
      .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
      .limit(RECENT),
  ]);
  return {
    reference: intervention.reference,
    intervention_status: intervention.status,
    ...publicationView(publication),
    recent_attempts: attempts.map((attempt) => ({
      at: iso(attempt.startedAt),
      operation: attempt.operation,
      trigger: attempt.trigger,
      triggered_by: attempt.triggeredBy,
      outcome: attempt.outcome,
      http_status: attempt.httpStatus,
      problem_code: attempt.problemCode,
      message: attempt.message,
      duration_ms: attempt.durationMs,
      idempotency_key: attempt.idempotencyKey,
    })),
    webhook_events: events.map((event) => ({
      received_at: iso(event.receivedAt),
      occurred_at: iso(event.occurredAt),
      webhook_id: event.webhookId,
      type: event.type,
      status: event.status,
      reason: event.reason,
      outcome: event.outcome,
    })),
  };
}

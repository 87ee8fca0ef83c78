import { desc, eq, or } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { interventions, publicationAttempts, publications, webhookEvents, type Publication, type PublicationAttempt, type WebhookEvent } from "@/db/schema";
import { toIsoOrNull } from "@/lib/dates";

/** What `GET …/sync-status` lists of the history; older exchanges stay in the database. */
const RECENT = 20;

/**
 * Where a publication stands, in one shape (snake_case, like the rest of the API) for the
 * sync-status answer, the publish endpoint and the dashboard's intervention page.
 */
export function publicationView(publication: Publication) {
  return {
    status: publication.status,
    dossier_id: publication.dossierId,
    dossier_status: publication.dossierStatus,
    rejection_reason: publication.rejectionReason,
    attempt_count: publication.attemptCount,
    consecutive_failures: publication.consecutiveFailures,
    last_error: publication.lastErrorCode
      ? { code: publication.lastErrorCode, message: publication.lastErrorMessage, at: toIsoOrNull(publication.lastErrorAt) }
      : null,
    problems: publication.problems ?? [],
    next_attempt_at: toIsoOrNull(publication.nextAttemptAt),
    queued_at: toIsoOrNull(publication.queuedAt),
    published_at: toIsoOrNull(publication.publishedAt),
    photos_sent: publication.photosSent,
  };
}

export type PublicationView = ReturnType<typeof publicationView>;

/** One exchange with Symphonics. */
export function attemptView(attempt: PublicationAttempt) {
  return {
    at: toIsoOrNull(attempt.startedAt),
    operation: attempt.operation,
    trigger: attempt.trigger,
    triggered_by: attempt.triggeredBy,
    outcome: attempt.outcome,
    http_status: attempt.httpStatus,
    problem_code: attempt.problemCode,
    message: attempt.message,
    duration_ms: attempt.durationMs,
    idempotency_key: attempt.idempotencyKey,
  };
}

/** One notification Symphonics sent about the dossier. */
export function webhookEventView(event: WebhookEvent) {
  return {
    received_at: toIsoOrNull(event.receivedAt),
    occurred_at: toIsoOrNull(event.occurredAt),
    webhook_id: event.webhookId,
    type: event.type,
    status: event.status,
    reason: event.reason,
    outcome: event.outcome,
  };
}

/**
 * An intervention's latest attempts and the webhook events about it, newest first. Events are
 * matched by its reference and, once Symphonics has given one, by its dossier id.
 */
export async function publicationHistory(db: Executor, intervention: { id: string; reference: string; dossierId: string | null }, limit: number) {
  const [attempts, events] = await Promise.all([
    db
      .select()
      .from(publicationAttempts)
      .where(eq(publicationAttempts.interventionId, intervention.id))
      .orderBy(desc(publicationAttempts.startedAt), desc(publicationAttempts.id))
      .limit(limit),
    db
      .select()
      .from(webhookEvents)
      .where(
        intervention.dossierId
          ? or(eq(webhookEvents.dossierId, intervention.dossierId), eq(webhookEvents.externalReference, intervention.reference))
          : eq(webhookEvents.externalReference, intervention.reference),
      )
      .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
      .limit(limit),
  ]);
  return { attempts, events };
}

/** The synchronisation state of one intervention with its recent exchanges and webhook events. */
export async function syncStatusOf(db: Executor, reference: string) {
  const [row] = await db
    .select({ intervention: { id: interventions.id, reference: interventions.reference, status: interventions.status }, publication: publications })
    .from(interventions)
    .innerJoin(publications, eq(publications.interventionId, interventions.id))
    .where(eq(interventions.reference, reference));
  if (!row) return null;
  const { intervention, publication } = row;
  const history = await publicationHistory(db, { ...intervention, dossierId: publication.dossierId }, RECENT);
  return {
    reference: intervention.reference,
    intervention_status: intervention.status,
    ...publicationView(publication),
    recent_attempts: history.attempts.map(attemptView),
    webhook_events: history.events.map(webhookEventView),
  };
}

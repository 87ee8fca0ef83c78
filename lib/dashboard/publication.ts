import { asc, desc, eq, or } from "drizzle-orm";
import type { Executor } from "@/db/client";
import {
  beneficiaries,
  circuitBreakers,
  interventionDocuments,
  interventions,
  publicationAttempts,
  publications,
  rateLimitBuckets,
  webhookEvents,
  type InterventionStatus,
  type Publication,
  type PublicationAttempt,
  type WebhookEvent,
} from "@/db/schema";
import { config } from "@/lib/config";
import { toIsoOrNull } from "@/lib/dates";
import { readWorkerHeartbeats } from "@/lib/observability/operational-state";
import { checkEligibility } from "@/lib/publication/eligibility";
import type { Locale } from "@/lib/i18n/locales";
import { explainPublication, type PipelineConditions } from "@/lib/publication/explanations";
import { SYMPHONICS_BUCKET, SYMPHONICS_CIRCUIT } from "@/lib/publication/settings";

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

/**
 * What holds every publication at the moment (workers, circuit, rate limit) and the retry
 * budget: read once per request, for the explanations of one publication or of a whole page.
 */
export async function readPipelineConditions(db: Executor, locale: Locale = "en"): Promise<PipelineConditions> {
  const [workers, [circuit], [bucket]] = await Promise.all([
    readWorkerHeartbeats(db),
    db.select().from(circuitBreakers).where(eq(circuitBreakers.name, SYMPHONICS_CIRCUIT)),
    db.select({ blockedUntil: rateLimitBuckets.blockedUntil }).from(rateLimitBuckets).where(eq(rateLimitBuckets.name, SYMPHONICS_BUCKET)),
  ]);
  return {
    now: new Date(),
    workersAlive: workers.workersAlive,
    circuit: circuit ?? null,
    rateLimitedUntil: bucket?.blockedUntil ?? null,
    retryBudgetMs: config().PUBLISH_RETRY_BUDGET_SECONDS * 1000,
    locale,
  };
}

/** Why an intervention is not eligible yet, in the eligibility check's sentences. */
async function notReadyReasons(db: Executor, intervention: { id: string; status: InterventionStatus }, publication: Publication, locale: Locale) {
  if (publication.status !== "not_ready") return [];
  const [[beneficiary], documents] = await Promise.all([
    db.select({ contractSignedAt: beneficiaries.contractSignedAt }).from(interventions).innerJoin(beneficiaries, eq(beneficiaries.id, interventions.beneficiaryId)).where(eq(interventions.id, intervention.id)),
    db
      .select({ filePath: interventionDocuments.filePath, requiresSignature: interventionDocuments.requiresSignature, signedAt: interventionDocuments.signedAt })
      .from(interventionDocuments)
      .where(eq(interventionDocuments.interventionId, intervention.id))
      .orderBy(asc(interventionDocuments.position)),
  ]);
  const eligibility = checkEligibility({ status: intervention.status, contractSignedAt: beneficiary?.contractSignedAt ?? null, documents, publicationStatus: publication.status }, locale);
  return eligibility.eligible ? [] : eligibility.reasons;
}

/** The synchronisation state of one intervention with its recent exchanges and webhook events; its explanation in `locale`. */
export async function syncStatusOf(db: Executor, reference: string, locale: Locale = "en") {
  const [row] = await db
    .select({ intervention: { id: interventions.id, reference: interventions.reference, status: interventions.status }, publication: publications })
    .from(interventions)
    .innerJoin(publications, eq(publications.interventionId, interventions.id))
    .where(eq(interventions.reference, reference));
  if (!row) return null;
  const { intervention, publication } = row;
  const [history, conditions, reasons] = await Promise.all([
    publicationHistory(db, { ...intervention, dossierId: publication.dossierId }, RECENT),
    readPipelineConditions(db, locale),
    notReadyReasons(db, intervention, publication, locale),
  ]);
  return {
    reference: intervention.reference,
    intervention_status: intervention.status,
    ...publicationView(publication),
    /** Where it stands and what happens next, in words: the sentence the dashboard shows. */
    explanation: explainPublication(publication, { status: intervention.status, notReadyReasons: reasons }, conditions),
    recent_attempts: history.attempts.map(attemptView),
    webhook_events: history.events.map(webhookEventView),
  };
}

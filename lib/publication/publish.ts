import { and, eq, ne, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { interventions, publicationAttempts, publications, type AttemptTrigger, type Publication } from "@/db/schema";
import { raiseAlert } from "@/lib/alerts/alerts";
import { recordAudit } from "@/lib/audit";
import { systemPrincipal } from "@/lib/auth/roles";
import { mapInterventionToDossier } from "@/lib/dossier/mapping";
import { MAX_PHOTOS_PER_CALL } from "@/lib/dossier/payload-schema";
import type { FieldProblem } from "@/lib/errors";
import { loadInterventionAggregate } from "@/lib/interventions/repository";
import { currentCorrelationId } from "@/lib/observability/correlation";
import { observeRateLimitTurn, observeSymphonicsExchanges } from "@/lib/observability/pipeline-observations";
import type { SymphonicsClient } from "@/lib/symphonics/client";
import type { AttemptRecord, FailedOutcome } from "@/lib/symphonics/outcomes";
import { HELD_BY_RETRY_AFTER, sendDossier } from "@/lib/symphonics/publish-dossier";
import { recordFailure, recordHealthy, requestPermission } from "./circuit-breaker";
import { holdSince, holdUntilRetryAfter, observePartnerBucket, reserveRequests } from "./rate-limiter";
import { nextRetry } from "./retry-policy";
import type { PipelineSettings } from "./settings";
import { isUnderway, markFailed, markInProgress, markNeedsReview, markNotReady, markPostponed, markPublished, markRetrying } from "./status";
import { eligibilityOf } from "./trigger";

/** What a publication job carries: which intervention, and why it runs. */
export interface PublicationRequest {
  interventionId: string;
  trigger: AttemptTrigger;
  triggeredBy: string;
  /** The queue's job id, recorded with each exchange to follow one run through the log. */
  jobId?: string;
}

export interface PublicationDeps {
  db: Database;
  client: SymphonicsClient;
  settings: PipelineSettings;
  /** Schedules the next run of this publication in the caller's transaction (the job queue). */
  schedule(tx: Executor, request: Omit<PublicationRequest, "jobId">, at: Date): Promise<void>;
  /** A stored file's download link, the same for the same anchor date (see publications.queuedAt). */
  signUrl(path: string, anchor: Date): string;
  fileExists(path: string): Promise<boolean>;
  now(): Date;
  random(): number;
  sleep(ms: number): Promise<void>;
}

export type PublicationRunResult =
  | "published"
  | "already_published"
  | "nothing_to_do"
  | "not_eligible"
  | "needs_review"
  | "retry_scheduled"
  | "postponed"
  | "failed";

/** A job that arrives this much before its publication's next attempt is early (a leftover duplicate). */
const EARLY_TOLERANCE_MS = 1_000;

type Claim = { go: false; result: PublicationRunResult } | { go: true; publication: Publication; previousStatus: Publication["status"] };

/**
 * One run of a publication job. Safe to run any number of times, concurrently too: the
 * publication row lock and status guard decide who works, Symphonics' idempotency keys and
 * dossier adoption make a repeated send harmless, and every way out either reaches a final state
 * or schedules the next run in the transaction that records why.
 */
export async function runPublication(deps: PublicationDeps, request: PublicationRequest): Promise<PublicationRunResult> {
  const { db, settings } = deps;
  const claim = await db.transaction((tx) => claimPublication(deps, tx, request));
  if (!claim.go) return claim.result;
  const { publication } = claim;

  const aggregate = await loadInterventionAggregate(db, { id: request.interventionId });
  if (!aggregate) return "nothing_to_do";
  const anchor = publication.queuedAt ?? publication.createdAt;
  const mapped = await mapInterventionToDossier(aggregate, { signUrl: (path) => deps.signUrl(path, anchor), fileExists: deps.fileExists });
  if (!mapped.ok) {
    await recordNeedsReview(deps, request, [], mapped.problems, { code: "invalid_data", message: "The intervention's data must be corrected before it can be sent." });
    return "needs_review";
  }

  // Our turn at Symphonics' rate limit, for every call this run expects to make.
  // Extra batch i carries photos from (i + 1) × 50 on; those wholly confirmed are not sent again.
  const pendingBatches = mapped.extraPhotoBatches.filter((batch, index) => (index + 1) * MAX_PHOTOS_PER_CALL + batch.photos.length > publication.photosSent).length;
  const reservation = await reserveRequests(db, settings.rateLimit, (publication.dossierId ? 0 : 1) + pendingBatches);
  observeRateLimitTurn(reservation);
  if (!reservation.granted) {
    await postpone(deps, request, claim.previousStatus, new Date(deps.now().getTime() + reservation.retryInMs + deps.random() * 1000));
    return "postponed";
  }
  if (reservation.waitMs > 0) await deps.sleep(reservation.waitMs);

  const attempts: AttemptRecord[] = [];
  const result = await sendDossier(
    deps.client,
    { payload: mapped.payload, extraPhotoBatches: mapped.extraPhotoBatches, photosAlreadySent: publication.photosSent, existingDossierId: publication.dossierId },
    {
      onAttempt: async (record) => {
        attempts.push(record);
        observePartnerBucket(settings.rateLimit, record.rateLimit, record.startedAt.getTime());
        // As soon as the answer is in, before anything else: every worker waits for it, not just this run.
        const holdMs = announcedHoldMs(record);
        if (holdMs !== null) await holdUntilRetryAfter(db, settings.rateLimit, holdMs);
      },
      holdBeforeCall: () => holdSince(db, settings.rateLimit, reservation.heldUntil),
      // Only worth a checkpoint when photo batches follow: otherwise the final transaction comes next,
      // and a crash in between is repaired by the replayed create (same key, same dossier).
      onDossierCreated: async (dossierId) => {
        if (mapped.extraPhotoBatches.length > 0) await checkpoint(deps, request, attempts, { dossierId });
      },
      onPhotosConfirmed: async (count) => {
        if (mapped.extraPhotoBatches.length > 0) await checkpoint(deps, request, attempts, { photosSent: count });
      },
    },
  );

  if (result.kind === "published") {
    await recordHealthy(db, settings.breaker);
    await recordPublished(deps, request, attempts, result.dossierId, result.photosConfirmed, result.adopted);
    return "published";
  }
  if (result.outcome.kind === "rate_limited" && result.outcome.problemCode === HELD_BY_RETRY_AFTER) {
    // A hold announced to another call since our turn: this call was not sent, and the wait is not ours.
    await insertAttemptsIn(deps, request, attempts);
    await postpone(deps, request, claim.previousStatus, new Date(deps.now().getTime() + result.outcome.retryAfterMs + deps.random() * 1000));
    return "postponed";
  }
  return handleFailure(deps, request, attempts, result.outcome, claim.previousStatus);
}

/**
 * A Retry-After from /v1 on a 429, a 503 maintenance or any 5xx speaks for the whole API: the
 * limit is per client, and maintenance is for everyone (§2). A 429 always holds, at least 1 s.
 */
function announcedHoldMs(record: AttemptRecord): number | null {
  if (record.operation === "token") return null;
  if (record.httpStatus === 429) return Math.max(record.retryAfterMs ?? 1000, 1000);
  return record.retryAfterMs !== null && (record.httpStatus ?? 0) >= 500 ? record.retryAfterMs : null;
}

async function claimPublication(deps: PublicationDeps, tx: Executor, request: PublicationRequest): Promise<Claim> {
  const { publicationStatus, eligibility } = await eligibilityOf(tx, request.interventionId);
  const [publication] = await tx.select().from(publications).where(eq(publications.interventionId, request.interventionId));
  if (!publication) return { go: false, result: "nothing_to_do" };
  if (publicationStatus === "published") return { go: false, result: "already_published" };
  // not_ready, needs_review, failed: a change of the data or a person re-queues it.
  if (!isUnderway(publicationStatus)) return { go: false, result: "nothing_to_do" };

  const now = deps.now();
  if (publication.nextAttemptAt && publication.nextAttemptAt.getTime() - now.getTime() > EARLY_TOLERANCE_MS) {
    // A duplicate job, e.g. a trigger that arrived while a retry was scheduled: the run is due
    // later. Scheduling it again is harmless (one waiting job per intervention) and keeps the
    // promise that some job will come at next_attempt_at.
    await deps.schedule(tx, jobOf(request), publication.nextAttemptAt);
    return { go: false, result: "postponed" };
  }
  if (!eligibility.eligible) {
    // Something changed since it was queued (a signature withdrawn...): nothing goes out.
    await markNotReady(tx, request.interventionId, publicationStatus, { problems: eligibility.problems });
    return { go: false, result: "not_eligible" };
  }

  // In this transaction, never on a second connection: a pool full of claims waiting for a free
  // connection while holding their row locks would deadlock.
  const permission = await requestPermission(tx, deps.settings.breaker);
  if (!permission.allowed) {
    // The circuit is open: wait for the probe, without spending this publication's retry budget.
    const at = new Date(Math.max(permission.retryAt.getTime(), now.getTime()) + deps.random() * 1000);
    await postponeIn(tx, deps, request, publication, publicationStatus, at);
    return { go: false, result: "postponed" };
  }

  await markInProgress(tx, request.interventionId, publicationStatus);
  return { go: true, publication, previousStatus: publicationStatus === "in_progress" ? "queued" : publicationStatus };
}

/**
 * Pushes the next run to `at` without counting a failure: the wait is ours (circuit open, rate
 * limit), not the publication's, so its retry budget is moved forward by the same amount.
 * `publication` is the row read under lock; `before` the status it had before this run.
 */
async function postponeIn(
  tx: Executor,
  deps: PublicationDeps,
  request: PublicationRequest,
  publication: Publication,
  before: Publication["status"],
  at: Date,
): Promise<void> {
  const delayMs = Math.max(0, at.getTime() - deps.now().getTime());
  await markPostponed(tx, request.interventionId, publication.status, {
    before,
    nextAttemptAt: at,
    firstFailureAt: publication.firstFailureAt ? new Date(publication.firstFailureAt.getTime() + delayMs) : null,
  });
  await deps.schedule(tx, jobOf(request), at);
}

const jobOf = ({ interventionId, trigger, triggeredBy }: PublicationRequest) => ({ interventionId, trigger, triggeredBy });

async function postpone(deps: PublicationDeps, request: PublicationRequest, status: Publication["status"], at: Date): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const publication = await lockUnpublished(tx, request.interventionId);
    if (publication) await postponeIn(tx, deps, request, publication, status, at);
  });
}

/** The publication row, locked, unless someone else already published it. */
async function lockUnpublished(tx: Executor, interventionId: string): Promise<Publication | null> {
  const [publication] = await tx.select().from(publications).where(eq(publications.interventionId, interventionId)).for("update");
  return publication && publication.status !== "published" ? publication : null;
}

async function insertAttempts(tx: Executor, request: PublicationRequest, attempts: AttemptRecord[]): Promise<void> {
  // Taken out of the buffer first, so a record is written once even if a later step fails.
  const records = attempts.splice(0, attempts.length);
  if (records.length === 0) return;
  await tx.insert(publicationAttempts).values(
    records.map((record) => ({
      interventionId: request.interventionId,
      operation: record.operation,
      idempotencyKey: record.idempotencyKey,
      trigger: request.trigger,
      triggeredBy: request.triggeredBy,
      outcome: record.replayed && record.outcome === "success" ? "success_replayed" : record.outcome,
      httpStatus: record.httpStatus,
      problemCode: record.problemCode,
      message: record.message,
      durationMs: Math.round(record.durationMs),
      responseExcerpt: record.responseExcerpt,
      // The trigger's correlation id when there is one (see observeJobAttempt), else the job's.
      correlationId: currentCorrelationId() ?? request.jobId ?? null,
      startedAt: record.startedAt,
    })),
  );
  observeSymphonicsExchanges(records);
}

/**
 * The dossier id or photo progress, stored as soon as known, with the exchanges so far. Confirmed
 * progress is a success: the next failure backs off from the first step again, with a fresh
 * budget, so a large dossier under intermittent faults keeps moving instead of crawling.
 */
async function checkpoint(deps: PublicationDeps, request: PublicationRequest, attempts: AttemptRecord[], progress: { dossierId?: string; photosSent?: number }) {
  await deps.db.transaction(async (tx) => {
    await insertAttempts(tx, request, attempts);
    await tx
      .update(publications)
      .set({ ...progress, consecutiveFailures: 0, firstFailureAt: null, updatedAt: sql`now()` })
      .where(and(eq(publications.interventionId, request.interventionId), ne(publications.status, "published")));
  });
}

async function insertAttemptsIn(deps: PublicationDeps, request: PublicationRequest, attempts: AttemptRecord[]): Promise<void> {
  if (attempts.length > 0) await deps.db.transaction((tx) => insertAttempts(tx, request, attempts));
}

async function recordPublished(deps: PublicationDeps, request: PublicationRequest, attempts: AttemptRecord[], dossierId: string, photosSent: number, adopted: boolean) {
  await deps.db.transaction(async (tx) => {
    await insertAttempts(tx, request, attempts);
    const publication = await lockUnpublished(tx, request.interventionId);
    if (!publication) return;
    // A webhook can arrive before this transaction, a rejection too: the writer keeps what it said.
    await markPublished(tx, publication, { dossierId, photosSent });
    await tx.update(interventions).set({ status: "published", updatedAt: sql`now()` }).where(eq(interventions.id, request.interventionId));
    await recordAudit(tx, systemPrincipal, "publication.published", request.interventionId, { dossierId, adopted, trigger: request.trigger, triggeredBy: request.triggeredBy });
  });
}

async function recordNeedsReview(
  deps: PublicationDeps,
  request: PublicationRequest,
  attempts: AttemptRecord[],
  problems: FieldProblem[],
  error: { code: string; message: string },
) {
  await deps.db.transaction(async (tx) => {
    await insertAttempts(tx, request, attempts);
    const publication = await lockUnpublished(tx, request.interventionId);
    if (!publication) return;
    await markNeedsReview(tx, request.interventionId, publication.status, { problems, error });
    await recordAudit(tx, systemPrincipal, "publication.needs_review", request.interventionId, { code: error.code, problems });
  });
}

/** Symphonics' 422 names its own fields (customer.phone); the message says which value it refused. */
function remoteProblems(outcome: Extract<FailedOutcome, { kind: "not_retryable" }>): FieldProblem[] {
  if (outcome.errors.length === 0) return [{ field: "(dossier)", message: outcome.message }];
  return outcome.errors.map((error) => ({ field: error.field, message: `Symphonics refused ${error.field}: ${error.message}` }));
}

async function handleFailure(
  deps: PublicationDeps,
  request: PublicationRequest,
  attempts: AttemptRecord[],
  outcome: FailedOutcome,
  previousStatus: Publication["status"],
): Promise<PublicationRunResult> {
  const { db, settings } = deps;
  // A gateway's 502 has no problem code: its status is the most telling code we have.
  const error = { code: outcome.problemCode ?? (outcome.httpStatus ? `http_${outcome.httpStatus}` : outcome.kind), message: outcome.message };

  if (outcome.kind === "not_retryable") {
    // Sending the same data again cannot help; a person corrects it, which re-queues it.
    await recordHealthy(db, settings.breaker);
    await recordNeedsReview(deps, request, attempts, remoteProblems(outcome), error);
    return "needs_review";
  }
  if (outcome.kind === "rate_limited") {
    // Everyone waits for Retry-After (announced on the exchange); this publication is not at fault and spends no budget.
    await db.transaction(async (tx) => {
      await insertAttempts(tx, request, attempts);
      const publication = await lockUnpublished(tx, request.interventionId);
      if (!publication) return;
      await tx
        .update(publications)
        .set({ lastErrorCode: error.code, lastErrorMessage: error.message, lastErrorAt: sql`now()` })
        .where(eq(publications.interventionId, request.interventionId));
      await postponeIn(tx, deps, { ...request, trigger: "retry" }, publication, previousStatus, new Date(deps.now().getTime() + outcome.retryAfterMs + deps.random() * 1000));
    });
    return "postponed";
  }

  // retryable (5xx, 409 idempotency_key_in_use), ambiguous (no answer), authentication.
  const symphonicsDown = outcome.kind === "ambiguous" || (outcome.kind === "retryable" && (outcome.httpStatus ?? 500) >= 500);
  let circuitOpened = false;
  if (symphonicsDown) circuitOpened = (await recordFailure(db, settings.breaker)).opened;
  else await recordHealthy(db, settings.breaker);
  const retryAfterMs = outcome.kind === "retryable" ? outcome.retryAfterMs : null;

  return db.transaction(async (tx) => {
    await insertAttempts(tx, request, attempts);
    const publication = await lockUnpublished(tx, request.interventionId);
    if (!publication) return "already_published";
    const now = deps.now();
    const consecutiveFailures = publication.consecutiveFailures + 1;
    const firstFailureAt = publication.firstFailureAt ?? now;
    const decision = nextRetry(settings.retry, { consecutiveFailures, firstFailureAt, now, retryAfterMs, random: deps.random });
    const failure = { consecutiveFailures, firstFailureAt, error };
    if (decision.retry) await markRetrying(tx, request.interventionId, publication.status, { ...failure, at: decision.at });
    else await markFailed(tx, request.interventionId, publication.status, failure);

    const reference = await referenceOf(tx, request.interventionId);
    if (outcome.kind === "authentication" && outcome.configurationFault) {
      await raiseAlert(tx, {
        kind: "symphonics_invalid_client",
        groupKey: "symphonics:invalid_client",
        severity: "critical",
        message: `Symphonics refuses our client credentials (${error.code}): check SYMPHONICS_CLIENT_ID and SYMPHONICS_CLIENT_SECRET. Publications are retried with backoff meanwhile.`,
      });
    }
    if (circuitOpened) {
      await raiseAlert(tx, {
        kind: "symphonics_circuit_open",
        groupKey: "symphonics:circuit_open",
        severity: "warning",
        message: `Calls to Symphonics are paused after ${settings.breaker.failureThreshold} consecutive failures (last: ${error.code}, ${error.message}).`,
      });
    }
    if (!decision.retry) {
      await raiseAlert(tx, {
        kind: "publication_failed",
        groupKey: `publication_failed:${request.interventionId}`,
        severity: "critical",
        message: `The publication of ${reference} failed for good after ${consecutiveFailures} attempts (last: ${error.code}, ${error.message}); it is kept for manual resolution.`,
        interventionId: request.interventionId,
      });
      await recordAudit(tx, systemPrincipal, "publication.failed", request.interventionId, { code: error.code, attempts: consecutiveFailures });
      return "failed";
    }
    if (consecutiveFailures >= settings.alertAfterFailures) {
      await raiseAlert(tx, {
        kind: "publication_failing",
        groupKey: `publication_failing:${request.interventionId}`,
        severity: "warning",
        message: `The publication of ${reference} has failed ${consecutiveFailures} times in a row (last: ${error.code}, ${error.message}); it is retried.`,
        interventionId: request.interventionId,
      });
    }
    await deps.schedule(tx, { ...jobOf(request), trigger: "retry" }, decision.at);
    return "retry_scheduled";
  });
}

async function referenceOf(tx: Executor, interventionId: string): Promise<string> {
  const [row] = await tx.select({ reference: interventions.reference }).from(interventions).where(eq(interventions.id, interventionId));
  return row?.reference ?? interventionId;
}

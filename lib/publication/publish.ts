import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { executePrepared, isAnyOf } from "@/db/sql";
import { beneficiaries, circuitBreakers, interventionDocuments, interventions, publicationAttempts, publications, type AttemptTrigger, type Publication } from "@/db/schema";
import { raiseAlert } from "@/lib/alerts/alerts";
import { recordAudits } from "@/lib/audit";
import { systemPrincipal } from "@/lib/auth/roles";
import { mapInterventionToDossier, workforceFieldOfSymphonics, type DossierSource } from "@/lib/dossier/mapping";
import { MAX_PHOTOS_PER_CALL } from "@/lib/dossier/payload-schema";
import { dossierSourceJson, dossierSourceOf, type DossierSourceJson } from "@/lib/dossier/source";
import type { FieldProblem } from "@/lib/errors";
import { currentCorrelationId, withCorrelationId } from "@/lib/observability/correlation";
import { observeRateLimitTurn, observeSymphonicsExchanges } from "@/lib/observability/pipeline-observations";
import type { SymphonicsClient } from "@/lib/symphonics/client";
import type { AttemptRecord, FailedOutcome } from "@/lib/symphonics/outcomes";
import { HELD_BY_RETRY_AFTER, sendDossier, type PublicationResult } from "@/lib/symphonics/publish-dossier";
import { circuitClosedSql, circuitHealthySql, recordFailure, recordHealthy, requestPermission, type Permission } from "./circuit-breaker";
import { checkEligibility, eligibleSql, type Eligibility } from "./eligibility";
import { photoBatchRetries } from "./photo-batch-retry";
import { holdBeforeCall, holdUntilRetryAfter, observePartnerBucket, reserveRequests, slotDelayMs } from "./rate-limiter";
import { nextRetry } from "./retry-policy";
import type { PipelineSettings } from "./settings";
import { claimInProgress, isUnderway, markFailed, markInProgress, markInProgressAll, markNeedsReview, markNotReady, markPostponed, markPublishedAll, markRetrying } from "./status";
import { eligibilityOf } from "./trigger";

/** What a publication job carries: which intervention, and why it runs. */
export interface PublicationRequest {
  interventionId: string;
  trigger: AttemptTrigger;
  triggeredBy: string;
  /** The queue's job id, recorded with each exchange to follow one run through the log. */
  jobId?: string;
  /** The trigger's correlation id, when the run is not inside its context (a batch). */
  correlationId?: string;
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

/** Whether a run goes, as decideClaim says from the publication read under its row lock. */
type Decision = { go: false; result: PublicationRunResult } | { go: true; publication: Publication; previousStatus: Publication["status"] };
/**
 * A decision, and for a run that goes what its claim read with the row lock: the intervention's
 * dossier source (null when the intervention is gone), and `circuitHealthy`: the circuit was closed
 * with no failure counted (a success has nothing to reset).
 */
type Claim = Extract<Decision, { go: false }> | (Extract<Decision, { go: true }> & { source: DossierSource | null; circuitHealthy?: boolean });

/**
 * One run of a publication job: a batch of one (see runPublications).
 */
export async function runPublication(deps: PublicationDeps, request: PublicationRequest): Promise<PublicationRunResult> {
  const [result] = await runPublications(deps, [request]);
  if (result instanceof Error) throw result;
  return result!;
}

/** A claimed publication, mapped and ready to send, with its share of the batch's turn. */
interface Ready {
  index: number;
  request: PublicationRequest;
  claim: Extract<Claim, { go: true }>;
  mapped: Extract<Awaited<ReturnType<typeof mapInterventionToDossier>>, { ok: true }>;
  /** The intervention's reference, for alert messages. */
  reference: string;
  calls: number;
}

/**
 * A run's outcome, stored by `store` in the batch's transaction with its exchanges: `publication`
 * is its row locked by that transaction, null when published meanwhile. Writes that a batch makes
 * as sets (published rows, audit entries) go to `writes`, flushed before the commit.
 */
interface Outcome {
  index: number;
  request: PublicationRequest;
  attempts: AttemptRecord[];
  store(tx: Executor, publication: Publication | null, writes: BatchWrites): Promise<PublicationRunResult>;
}

interface BatchWrites {
  published: { current: Publication; values: { dossierId: string; photosSent: number } }[];
  audits: { action: string; interventionId: string; details: Record<string, unknown> }[];
}

type Sent = Ready & { attempts: AttemptRecord[]; result: PublicationResult };

/**
 * Runs of a batch of publication jobs, worked as a set: one transaction claims them all (rows
 * locked, eligibility re-checked, in_progress), one reservation takes the batch's turn at the rate
 * limit, the calls go out concurrently within it, and one transaction stores the publications that
 * went through. Each run is safe to repeat, concurrently too: the publication row lock and status
 * guard decide who works, Symphonics' idempotency keys and dossier adoption make a repeated send
 * harmless, and every way out either reaches a final state or schedules the next run in the
 * transaction that records why. A run that fails in a shared step is taken again on its own, so one
 * bad row never fails the others; an error is returned for that run alone.
 */
export async function runPublications(deps: PublicationDeps, requests: PublicationRequest[]): Promise<(PublicationRunResult | Error)[]> {
  const results: (PublicationRunResult | Error | undefined)[] = new Array(requests.length);
  const isolated = async <T>(index: number, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      results[index] = error instanceof Error ? error : new Error(String(error));
      return undefined;
    }
  };

  // The claim reads each intervention's dossier source with its row lock, in the same statement.
  const claims = await claimAll(deps, requests);
  const invalid: Outcome[] = [];
  const prepared = await Promise.all(
    requests.map((request, index) =>
      isolated(index, async (): Promise<Omit<Ready, "index" | "request" | "claim"> | null> => {
        const claim = claims[index];
        if (claim instanceof Error) throw claim;
        if (!claim!.go) {
          results[index] = claim!.result;
          return null;
        }
        const { publication, source } = claim!;
        if (!source) {
          results[index] = "nothing_to_do";
          return null;
        }
        const anchor = publication.queuedAt ?? publication.createdAt;
        const mapped = await mapInterventionToDossier(source, { signUrl: (path) => deps.signUrl(path, anchor), fileExists: deps.fileExists });
        if (!mapped.ok) {
          invalid.push(needsReviewOutcome(index, request, [], mapped.problems, { code: "invalid_data", message: "The intervention's data must be corrected before it can be sent." }));
          return null;
        }
        // Extra batch i carries photos from (i + 1) × 50 on; those wholly confirmed are not sent again.
        const pendingBatches = mapped.extraPhotoBatches.filter((batch, i) => (i + 1) * MAX_PHOTOS_PER_CALL + batch.photos.length > publication.photosSent).length;
        return { mapped, reference: source.reference, calls: (publication.dossierId ? 0 : 1) + pendingBatches };
      }),
    ),
  );
  const ready: Ready[] = [];
  prepared.forEach((item, index) => {
    if (item) ready.push({ ...item, index, request: requests[index]!, claim: claims[index] as Extract<Claim, { go: true }> });
  });
  const outcomes = ready.length > 0 ? await sendAll(deps, ready, results, isolated) : [];
  await storeOutcomes(deps, [...invalid, ...outcomes], results, isolated);
  return results.map((result) => result ?? new Error("publication run ended without a result"));
}

/** Sends the ready runs within one turn at the rate limit; returns their outcomes, to be stored together. */
async function sendAll(
  deps: PublicationDeps,
  ready: Ready[],
  results: (PublicationRunResult | Error | undefined)[],
  isolated: <T>(index: number, work: () => Promise<T>) => Promise<T | undefined>,
): Promise<Outcome[]> {
  const { db, settings } = deps;
  // The batch's turn at Symphonics' rate limit, for every call its runs expect to make, in one step.
  const reservation = await reserveRequests(db, settings.rateLimit, ready.reduce((sum, item) => sum + item.calls, 0));
  observeRateLimitTurn(reservation);
  if (!reservation.granted) {
    return ready.map((item) => postponeOutcome(deps, item.index, item.request, [], item.claim.previousStatus, new Date(deps.now().getTime() + reservation.retryInMs + deps.random() * 1000)));
  }
  const grantedAt = Date.now();
  let nextSlot = 0;
  const sent = await Promise.all(
    ready.map((item) => {
      // Each run's calls take consecutive slots of the turn, so the batch leaves paced, not in one burst.
      let slot = nextSlot;
      nextSlot += item.calls;
      return isolated(item.index, async (): Promise<Sent> => {
        const attempts: AttemptRecord[] = [];
        const result = await sendOne(deps, item, attempts, async () => {
          const due = grantedAt + slotDelayMs(reservation, slot++) - Date.now();
          if (due > 0) await deps.sleep(due);
          return holdBeforeCall(db, settings.rateLimit, reservation);
        });
        return { ...item, attempts, result };
      });
    }),
  );

  // The circuit breaker hears of the batch before its outcomes are stored: once for every answer
  // that shows Symphonics up, once per failure that shows it down (each may open the circuit).
  const delivered = sent.filter((item): item is Sent => item !== undefined);
  const failed = delivered.filter((item): item is Sent & { result: { kind: "failed" } } => item.result.kind === "failed" && item.result.outcome.problemCode !== HELD_BY_RETRY_AFTER);
  const answered = delivered.some((item) => item.result.kind === "published") || failed.some((item) => !symphonicsDown(item.result.outcome) && item.result.outcome.kind !== "rate_limited");
  // Skipped when every claim saw a healthy circuit: a failure counted since by another worker may
  // as well have come after this answer.
  if (answered && !ready.every((item) => item.claim.circuitHealthy)) await recordHealthy(db, settings.breaker);
  const opened = new Set<number>();
  for (const item of failed) {
    if (symphonicsDown(item.result.outcome) && (await recordFailure(db, settings.breaker)).opened) opened.add(item.index);
  }

  return delivered.map((item): Outcome => {
    const { result, request, attempts, claim } = item;
    if (result.kind === "published") return publishedOutcome(item.index, request, attempts, result);
    if (result.outcome.kind === "rate_limited" && result.outcome.problemCode === HELD_BY_RETRY_AFTER) {
      // A hold announced to another call since our turn: this call was not sent, and the wait is not ours.
      return postponeOutcome(deps, item.index, request, attempts, claim.previousStatus, new Date(deps.now().getTime() + result.outcome.retryAfterMs + deps.random() * 1000));
    }
    return failureOutcome(deps, item, result.outcome, opened.has(item.index));
  });
}

function sendOne(deps: PublicationDeps, item: Ready, attempts: AttemptRecord[], beforeCall: () => Promise<number>): Promise<PublicationResult> {
  const { db, settings } = deps;
  const { request, mapped, claim } = item;
  const { publication } = claim;
  const retries = photoBatchRetries(deps);
  return sendDossier(
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
        holdBeforeCall: beforeCall,
        retryPhotoBatch: retries.retryPhotoBatch,
        // Only worth a checkpoint when photo batches follow: otherwise the final transaction comes next,
        // and a crash in between is repaired by the replayed create (same key, same dossier).
        onDossierCreated: async (dossierId) => {
          if (mapped.extraPhotoBatches.length > 0) await checkpoint(deps, request, attempts, { dossierId });
        },
        onPhotosConfirmed: async (count) => {
          await retries.batchConfirmed();
          if (mapped.extraPhotoBatches.length > 0) await checkpoint(deps, request, attempts, { photosSent: count });
        },
      },
    );
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

/** The run on its own: waits for the publication's row lock, then decides. */
async function claimPublication(deps: PublicationDeps, tx: Executor, request: PublicationRequest): Promise<Claim> {
  const { publicationStatus, eligibility } = await eligibilityOf(tx, request.interventionId);
  const [publication] = await tx.select().from(publications).where(eq(publications.interventionId, request.interventionId));
  if (!publication) return { go: false, result: "nothing_to_do" };
  const decision = await decideClaim(deps, tx, request, { ...publication, status: publicationStatus }, eligibility, () => requestPermission(tx, deps.settings.breaker));
  if (!decision.go) return decision;
  await markInProgress(tx, request.interventionId, publicationStatus);
  const [row] = await tx.execute<{ source: DossierSourceJson | null }>(sql`select ${dossierSourceJson(sql`${request.interventionId}::uuid`)} as source`);
  return { ...decision, source: row?.source ? dossierSourceOf(row.source) : null };
}

/**
 * The runs of a batch claimed together. In the one statement of claimGoing, the rows nobody else
 * holds are locked, and those that go (underway, due, eligible, the circuit closed) enter in_progress
 * with their dossier sources read: a backlog's batch takes one round trip. What did not go there is
 * decided in one transaction (decideAll), which says why; a run whose row another transaction holds,
 * a second job of the same publication, or every run of a step that failed, is claimed on its own.
 */
async function claimAll(deps: PublicationDeps, requests: PublicationRequest[]): Promise<(Claim | Error)[]> {
  const claims: (Claim | Error | undefined)[] = new Array(requests.length);
  await claimGoing(deps, requests, claims).catch(() => claims.fill(undefined));
  const rest = requests.flatMap((request, index) => (claims[index] === undefined ? [{ request, index }] : []));
  if (rest.length > 0) {
    await decideAll(deps, rest, claims).catch(() => {
      for (const { index } of rest) claims[index] = undefined;
    });
  }
  await Promise.all(
    requests.map(async (request, index) => {
      if (claims[index] !== undefined) return;
      try {
        claims[index] = await deps.db.transaction((tx) => claimPublication(deps, tx, request));
      } catch (error) {
        claims[index] = error instanceof Error ? error : new Error(String(error));
      }
    }),
  );
  return claims as (Claim | Error)[];
}

/**
 * The runs that go, claimed in one statement (claimInProgress): decideClaim's way to go, in SQL.
 * Every other run is left unclaimed, its row unchanged, for decideAll to decide and say why.
 */
async function claimGoing(deps: PublicationDeps, requests: PublicationRequest[], claims: (Claim | Error | undefined)[]): Promise<void> {
  const { breaker } = deps.settings;
  // Not early: a run due within the tolerance goes (decideClaim's rule).
  const dueBy = new Date(deps.now().getTime() + EARLY_TOLERANCE_MS).toISOString();
  const rows = await claimInProgress<{ source: DossierSourceJson | null; circuitHealthy: boolean }>(
    deps.db,
    [...new Set(requests.map((request) => request.interventionId))],
    sql`${eligibleSql({ id: interventions.id, status: interventions.status, contractSignedAt: beneficiaries.contractSignedAt })}
      and (${publications.nextAttemptAt} is null or ${publications.nextAttemptAt} <= ${dueBy}::timestamptz)
      and ${circuitClosedSql(breaker)}`,
    { source: dossierSourceJson(publications.interventionId), circuitHealthy: circuitHealthySql(breaker) },
  );
  const went = new Map(rows.filter((row) => row.went).map((row) => [row.publication.interventionId, row]));
  for (const [index, request] of requests.entries()) {
    const row = went.get(request.interventionId);
    if (!row) continue;
    // A second job of the same publication is left for decideAll, which sees this claim.
    went.delete(request.interventionId);
    const { publication } = row;
    claims[index] = {
      go: true,
      publication,
      previousStatus: statusBeforeRun(publication.status),
      source: row.source && dossierSourceOf(row.source),
      circuitHealthy: row.circuitHealthy,
    };
  }
}

/**
 * Runs the batch claim did not take, decided in one transaction: the rows nobody else holds are
 * locked in one statement (skip locked), their eligibility re-checked from one read of their
 * documents, and those that go enter in_progress in one statement. A run left undecided (its row
 * held elsewhere, a second job of the same publication) is claimed on its own by the caller.
 */
async function decideAll(deps: PublicationDeps, runs: { request: PublicationRequest; index: number }[], claims: (Claim | Error | undefined)[]): Promise<void> {
  await deps.db.transaction(async (tx) => {
    // One round trip: the rows locked, with what eligibility needs, the circuit's state and what
    // the dossiers are made of. A change committed after this read can be missed by this send, as
    // one committed between any read and the send always could: its own trigger queues it again.
    const rows = await tx
      .select({
        publication: publications,
        status: interventions.status,
        contractSignedAt: beneficiaries.contractSignedAt,
        documents: sql<{ filePath: string; requiresSignature: boolean; signedAt: string | null }[]>`(
          select coalesce(json_agg(json_build_object('filePath', d.file_path, 'requiresSignature', d.requires_signature, 'signedAt', d.signed_at) order by d.position), '[]'::json)
          from ${interventionDocuments} d where d.intervention_id = ${publications.interventionId})`,
        circuit: sql<string | null>`(select state from ${circuitBreakers} where name = ${deps.settings.breaker.name})`,
        circuitHealthy: circuitHealthySql(deps.settings.breaker),
        source: dossierSourceJson(publications.interventionId),
      })
      .from(publications)
      .innerJoin(interventions, eq(interventions.id, publications.interventionId))
      .innerJoin(beneficiaries, eq(beneficiaries.id, interventions.beneficiaryId))
      .where(isAnyOf(publications.interventionId, [...new Set(runs.map(({ request }) => request.interventionId))]))
      .for("update", { of: publications, skipLocked: true })
      .prepare("decide_batch")
      .execute();
    if (rows.length === 0) return;
    const locked = new Map(rows.map((row) => [row.publication.interventionId, row]));
    // One breaker question for the batch, answered by the read above when the circuit is closed;
    // a half-open circuit lets one probe through, the others ask again (and wait).
    let permission: Permission | null = rows[0]!.circuit === "closed" ? { allowed: true, probe: false } : null;
    const permit = async () => {
      if (permission && !(permission.allowed && permission.probe)) return permission;
      permission = await requestPermission(tx, deps.settings.breaker);
      return permission;
    };
    const going: { interventionId: string; status: Publication["status"] }[] = [];
    const decided: [number, Claim][] = [];
    for (const { request, index } of runs) {
      const row = locked.get(request.interventionId);
      if (!row) continue;
      locked.delete(request.interventionId);
      const { publication } = row;
      const eligibility = checkEligibility({
        status: row.status,
        contractSignedAt: row.contractSignedAt,
        documents: row.documents.map((document) => ({ ...document, signedAt: document.signedAt ? new Date(document.signedAt) : null })),
        publicationStatus: publication.status,
      });
      const decision = await decideClaim(deps, tx, request, publication, eligibility, permit);
      const claim: Claim = decision.go ? { ...decision, source: row.source && dossierSourceOf(row.source), circuitHealthy: row.circuitHealthy } : decision;
      if (claim.go) going.push({ interventionId: request.interventionId, status: publication.status });
      decided.push([index, claim]);
    }
    await markInProgressAll(tx, going);
    for (const [index, claim] of decided) claims[index] = claim;
  });
}

/** Whether a run goes, from its publication read under lock; the caller moves those that go to in_progress. */
async function decideClaim(
  deps: PublicationDeps,
  tx: Executor,
  request: PublicationRequest,
  publication: Publication,
  eligibility: Eligibility,
  permit: () => Promise<Permission>,
): Promise<Decision> {
  const publicationStatus = publication.status;
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
  const permission = await permit();
  if (!permission.allowed) {
    // The circuit is open: wait for the probe, without spending this publication's retry budget.
    const at = new Date(Math.max(permission.retryAt.getTime(), now.getTime()) + deps.random() * 1000);
    await postponeIn(tx, deps, request, publication, publicationStatus, at);
    return { go: false, result: "postponed" };
  }
  return { go: true, publication, previousStatus: statusBeforeRun(publicationStatus) };
}

/** The status a run's publication had before its claim: one already in progress (a job taken again) counts as queued. */
const statusBeforeRun = (status: Publication["status"]) => (status === "in_progress" ? "queued" : status);

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

// The correlation id goes on with the next job: a batch runs outside any one job's context.
const jobOf = ({ interventionId, trigger, triggeredBy, correlationId }: PublicationRequest) => ({ interventionId, trigger, triggeredBy, ...(correlationId ? { correlationId } : {}) });

/** The exchanges as publication_attempts rows, named by column: inserted by insertAttemptRows. */
function attemptRows(request: PublicationRequest, records: AttemptRecord[]) {
  return records.map((record) => ({
    intervention_id: request.interventionId,
    operation: record.operation,
    idempotency_key: record.idempotencyKey,
    trigger: request.trigger,
    triggered_by: request.triggeredBy,
    outcome: record.replayed && record.outcome === "success" ? ("success_replayed" as const) : record.outcome,
    http_status: record.httpStatus,
    problem_code: record.problemCode,
    message: record.message,
    duration_ms: Math.round(record.durationMs),
    response_excerpt: record.responseExcerpt,
    // The trigger's correlation id when there is one (see observeJobAttempt), else the job's.
    correlation_id: request.correlationId ?? currentCorrelationId() ?? request.jobId ?? null,
    started_at: record.startedAt.toISOString(),
  }));
}

async function insertAttempts(tx: Executor, request: PublicationRequest, attempts: AttemptRecord[]): Promise<void> {
  // Taken out of the buffer first, so a record is written once even if a later step fails.
  const records = attempts.splice(0, attempts.length);
  if (records.length === 0) return;
  await insertAttemptRows(tx, attemptRows(request, records));
  observeExchanges(request, records);
}

/**
 * Exchanges in one statement with one parameter, whatever their number: drizzle took ~3 ms of the
 * worker's CPU to build a 50-row insert (650 parameters), as much as the rest of the batch's
 * statements together, and PostgreSQL parsed each such statement anew.
 */
async function insertAttemptRows(tx: Executor, rows: ReturnType<typeof attemptRows>): Promise<void> {
  if (rows.length === 0) return;
  // The record's columns in the insert's order, so the select can take them all.
  await executePrepared(
    tx,
    sql`
    insert into ${publicationAttempts} (intervention_id, operation, idempotency_key, trigger, triggered_by, outcome, http_status, problem_code, message, duration_ms, response_excerpt, correlation_id, started_at)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      intervention_id uuid, operation text, idempotency_key text, trigger attempt_trigger, triggered_by text, outcome text, http_status integer,
      problem_code text, message text, duration_ms integer, response_excerpt text, correlation_id text, started_at timestamptz)`,
  );
}

/** The exchanges' log lines under the run's correlation id, also when a batch logs them for many runs. */
function observeExchanges(request: PublicationRequest, records: AttemptRecord[]): void {
  if (request.correlationId) withCorrelationId(request.correlationId, () => observeSymphonicsExchanges(records));
  else observeSymphonicsExchanges(records);
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

/**
 * The outcomes of a batch, stored in one transaction: every exchange in one statement, the
 * publications locked in one (in one order, so two batches storing the same publication cannot
 * deadlock), each outcome written under its row lock, the published rows, their interventions and
 * the audit entries as sets. If that transaction fails, each outcome is stored in its own, so one
 * bad row fails no other; a second outcome of the same publication (a job taken again) is stored
 * on its own after the batch, so it sees what the first one wrote.
 */
async function storeOutcomes(
  deps: PublicationDeps,
  outcomes: Outcome[],
  results: (PublicationRunResult | Error | undefined)[],
  isolated: <T>(index: number, work: () => Promise<T>) => Promise<T | undefined>,
): Promise<void> {
  if (outcomes.length === 0) return;
  const settle = (outcome: Outcome, result: PublicationRunResult) => {
    observeExchanges(outcome.request, outcome.attempts.splice(0, outcome.attempts.length));
    results[outcome.index] = result;
  };
  const batch: Outcome[] = [];
  const alone: Outcome[] = [];
  const seen = new Set<string>();
  for (const outcome of outcomes) {
    (seen.has(outcome.request.interventionId) ? alone : batch).push(outcome);
    seen.add(outcome.request.interventionId);
  }
  try {
    const stored = await deps.db.transaction((tx) => storeIn(tx, batch));
    batch.forEach((outcome, i) => settle(outcome, stored[i]!));
  } catch {
    alone.unshift(...batch);
  }
  await Promise.all(
    alone.map((outcome) =>
      isolated(outcome.index, async () => {
        const [result] = await deps.db.transaction((tx) => storeIn(tx, [outcome]));
        settle(outcome, result!);
      }),
    ),
  );
}

async function storeIn(tx: Executor, outcomes: Outcome[]): Promise<PublicationRunResult[]> {
  // Written here and taken out of the buffers only once committed: a batch rolled back is stored again one by one.
  const rows = outcomes.flatMap((outcome) => attemptRows(outcome.request, outcome.attempts));
  // Independent of each other, so sent together: one round trip for both.
  const [, locked] = await Promise.all([
    insertAttemptRows(tx, rows),
    tx
      .select()
      .from(publications)
      .where(
        isAnyOf(
          publications.interventionId,
          outcomes.map((outcome) => outcome.request.interventionId),
        ),
      )
      .orderBy(asc(publications.interventionId))
      .for("update")
      .prepare("lock_batch")
      .execute(),
  ]);
  const current = new Map(locked.map((publication) => [publication.interventionId, publication]));
  const writes: BatchWrites = { published: [], audits: [] };
  const stored: PublicationRunResult[] = [];
  for (const outcome of outcomes) {
    const publication = current.get(outcome.request.interventionId);
    stored.push(await outcome.store(tx, publication && publication.status !== "published" ? publication : null, writes));
  }
  // The set writes, sent together (one round trip). A webhook can arrive before this transaction, a
  // rejection too: markPublishedAll keeps what it said.
  await Promise.all([
    markPublishedAll(tx, writes.published),
    writes.published.length > 0 &&
      tx
        .update(interventions)
        .set({ status: "published", updatedAt: sql`now()` })
        .where(
          isAnyOf(
            interventions.id,
            writes.published.map((write) => write.current.interventionId),
          ),
        )
        .prepare("interventions_published")
        .execute(),
    recordAudits(tx, systemPrincipal, writes.audits),
  ]);
  return stored;
}

function publishedOutcome(index: number, request: PublicationRequest, attempts: AttemptRecord[], result: Extract<PublicationResult, { kind: "published" }>): Outcome {
  return {
    index,
    request,
    attempts,
    async store(_tx, publication, writes) {
      if (!publication) return "published";
      writes.published.push({ current: publication, values: { dossierId: result.dossierId, photosSent: result.photosConfirmed } });
      writes.audits.push({
        action: "publication.published",
        interventionId: request.interventionId,
        details: { dossierId: result.dossierId, adopted: result.adopted, trigger: request.trigger, triggeredBy: request.triggeredBy },
      });
      return "published";
    },
  };
}

function postponeOutcome(deps: PublicationDeps, index: number, request: PublicationRequest, attempts: AttemptRecord[], before: Publication["status"], at: Date): Outcome {
  return {
    index,
    request,
    attempts,
    async store(tx, publication) {
      if (publication) await postponeIn(tx, deps, request, publication, before, at);
      return "postponed";
    },
  };
}

/**
 * Symphonics' 422 names its own fields (customer.phone): each is said in the workforce app's
 * (beneficiary_phone) through the mapping's table, Symphonics' name and code kept for the details.
 * `photoOffset` is where the refused call's photos start in the dossier.
 */
function remoteProblems(outcome: Extract<FailedOutcome, { kind: "not_retryable" }>, photoOffset: number): FieldProblem[] {
  if (outcome.errors.length === 0) return [{ field: "(dossier)", message: outcome.message }];
  return outcome.errors.map((error) => ({
    field: workforceFieldOfSymphonics(error.field, photoOffset),
    message: `Symphonics refused this value: ${error.message}`,
    symphonics: { field: error.field, code: error.code },
  }));
}

/** Symphonics is down: no answer, or a 5xx. Each such failure counts toward opening the circuit. */
function symphonicsDown(outcome: FailedOutcome): boolean {
  return outcome.kind === "ambiguous" || (outcome.kind === "retryable" && (outcome.httpStatus ?? 500) >= 500);
}

function needsReviewOutcome(index: number, request: PublicationRequest, attempts: AttemptRecord[], problems: FieldProblem[], error: { code: string; message: string }): Outcome {
  return {
    index,
    request,
    attempts,
    async store(tx, publication, writes) {
      if (!publication) return "needs_review";
      await markNeedsReview(tx, request.interventionId, publication.status, { problems, error });
      writes.audits.push({ action: "publication.needs_review", interventionId: request.interventionId, details: { code: error.code, problems } });
      return "needs_review";
    },
  };
}

/** A failed run's outcome; the circuit breaker has already heard of it (`circuitOpened`: this failure opened it). */
function failureOutcome(deps: PublicationDeps, item: Sent, outcome: FailedOutcome, circuitOpened: boolean): Outcome {
  const { settings } = deps;
  const { index, request, attempts, claim, reference } = item;
  // A gateway's 502 has no problem code: its status is the most telling code we have.
  const error = { code: outcome.problemCode ?? (outcome.httpStatus ? `http_${outcome.httpStatus}` : outcome.kind), message: outcome.message };

  // Sending the same data again cannot help; a person corrects it, which re-queues it.
  if (outcome.kind === "not_retryable") {
    const photoOffset = item.result.kind === "failed" && item.result.step === "add_photos" ? item.result.photosConfirmed : 0;
    return needsReviewOutcome(index, request, attempts, remoteProblems(outcome, photoOffset), error);
  }
  if (outcome.kind === "rate_limited") {
    // Everyone waits for Retry-After (announced on the exchange); this publication is not at fault and spends no budget.
    const at = new Date(deps.now().getTime() + outcome.retryAfterMs + deps.random() * 1000);
    return {
      index,
      request,
      attempts,
      async store(tx, publication) {
        if (!publication) return "postponed";
        await tx
          .update(publications)
          .set({ lastErrorCode: error.code, lastErrorMessage: error.message, lastErrorAt: sql`now()` })
          .where(eq(publications.interventionId, request.interventionId));
        await postponeIn(tx, deps, { ...request, trigger: "retry" }, publication, claim.previousStatus, at);
        return "postponed";
      },
    };
  }

  // retryable (5xx, 409 idempotency_key_in_use), ambiguous (no answer), authentication.
  const retryAfterMs = outcome.kind === "retryable" ? outcome.retryAfterMs : null;
  return {
    index,
    request,
    attempts,
    async store(tx, publication, writes) {
      if (!publication) return "already_published";
      const now = deps.now();
      const consecutiveFailures = publication.consecutiveFailures + 1;
      const firstFailureAt = publication.firstFailureAt ?? now;
      const decision = nextRetry(settings.retry, { consecutiveFailures, firstFailureAt, now, retryAfterMs, random: deps.random });
      const failure = { consecutiveFailures, firstFailureAt, error };
      if (decision.retry) await markRetrying(tx, request.interventionId, publication.status, { ...failure, at: decision.at });
      else await markFailed(tx, request.interventionId, publication.status, failure);

      if (outcome.kind === "authentication" && outcome.configurationFault) {
        await raiseAlert(tx, {
          kind: "symphonics_invalid_client",
          groupKey: "symphonics:invalid_client",
          severity: "critical",
          message: { key: "invalidClient", values: { code: error.code } },
        });
      }
      if (circuitOpened) {
        await raiseAlert(tx, {
          kind: "symphonics_circuit_open",
          groupKey: "symphonics:circuit_open",
          severity: "warning",
          message: { key: "circuitOpen", values: { threshold: settings.breaker.failureThreshold, code: error.code, error: error.message } },
          recurrence: true,
        });
      }
      if (!decision.retry) {
        await raiseAlert(tx, {
          kind: "publication_failed",
          groupKey: `publication_failed:${request.interventionId}`,
          severity: "critical",
          message: { key: "publicationFailed", values: { reference, attempts: consecutiveFailures, code: error.code, error: error.message } },
          interventionId: request.interventionId,
          recurrence: true,
        });
        writes.audits.push({ action: "publication.failed", interventionId: request.interventionId, details: { code: error.code, attempts: consecutiveFailures } });
        return "failed";
      }
      if (consecutiveFailures >= settings.alertAfterFailures) {
        await raiseAlert(tx, {
          kind: "publication_failing",
          groupKey: `publication_failing:${request.interventionId}`,
          severity: "warning",
          message: { key: "publicationFailing", values: { reference, failures: consecutiveFailures, code: error.code, error: error.message } },
          interventionId: request.interventionId,
          // Reaching the threshold starts a spell of failures; each later failure continues it.
          recurrence: consecutiveFailures === settings.alertAfterFailures,
        });
      }
      await deps.schedule(tx, { ...jobOf(request), trigger: "retry" }, decision.at);
      return "retry_scheduled";
    },
  };
}

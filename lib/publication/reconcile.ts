import { and, eq, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { interventions, publicationAttempts, publications, type Publication } from "@/db/schema";
import { raiseAlert } from "@/lib/alerts/alerts";
import { recordAudit } from "@/lib/audit";
import { systemPrincipal } from "@/lib/auth/roles";
import { currentCorrelationId } from "@/lib/observability/correlation";
import { observeReconciledStatus, observeSymphonicsExchanges } from "@/lib/observability/pipeline-observations";
import type { SymphonicsClient } from "@/lib/symphonics/client";
import type { AttemptRecord, Outcome } from "@/lib/symphonics/outcomes";
import type { RemoteDossier } from "@/lib/symphonics/responses";
import { recordFailure, recordHealthy, requestPermission } from "./circuit-breaker";
import { applyDossierStatus, isFinalDossierStatus } from "./dossier-status";
import { holdUntilRetryAfter, reserveRequests } from "./rate-limiter";
import type { PipelineSettings } from "./settings";
import { nextLookupAt, type ReconcileSchedule } from "./reconcile-schedule";
import { markNeedsReview } from "./status";

/**
 * Webhooks are delivered at least once only while Symphonics retries them (24 h): after a longer
 * outage of our receiver, or a lost event, a dossier would stay `received` or `processing` here for
 * ever. The reconciler looks such dossiers up (`GET /v1/dossiers/{id}`, §3.3) and applies what it
 * learns exactly as a webhook would (lib/publication/dossier-status.ts).
 *
 * Due: a published dossier whose status is not final, whose next lookup on the widening schedule
 * (lib/publication/reconcile-schedule.ts) has come, and of which nothing was heard (a webhook that
 * moved it, or a lookup) for the schedule's first delay; most overdue first. A batch is claimed by
 * stamping its `dossier_status_checked_at` and its next lookup under `for update skip locked`, in
 * the transaction that takes its turn at the shared rate limit: several workers share the work and
 * each dossier is looked up once, no row lock is held during the HTTP calls, and a lookup that fails
 * is simply due again at its next point. Still not final at the schedule's last lookup, the
 * dossier is flagged for a person. Every lookup is in the attempt log (operation get_dossier,
 * triggered by "reconciler").
 */
export interface ReconcileDeps {
  db: Database;
  client: Pick<SymphonicsClient, "getDossier">;
  settings: Pick<PipelineSettings, "rateLimit" | "breaker">;
  schedule: ReconcileSchedule;
  /** The reconciler's clock (due times and the next lookup); default the real one. */
  now?: () => Date;
  /** Dossiers looked up per round. */
  batchSize?: number;
  sleep(ms: number): Promise<void>;
}

export interface ReconcileRound {
  /** Dossiers looked up. */
  checked: number;
  /** Statuses learnt by lookup and applied. */
  reconciled: number;
  /** Dossiers Symphonics no longer knows, flagged for a person. */
  notFound: number;
  /** Dossiers still not final at their last scheduled lookup, flagged for a person. */
  unsettled?: number;
  /** Why the round stopped early or did not start, if it did. */
  held?: "circuit_open" | "rate_limit" | "symphonics_failing";
}

const DEFAULT_BATCH_SIZE = 50;
const RECONCILER = "reconciler";

interface Due {
  interventionId: string;
  dossierId: string;
  /** The schedule's last lookup of this dossier. */
  last: boolean;
}

/** One round: claims a batch of due dossiers and looks each up. */
export async function reconcileDossierStatuses(deps: ReconcileDeps): Promise<ReconcileRound> {
  const round: ReconcileRound = { checked: 0, reconciled: 0, notFound: 0 };
  const claim = await claimDue(deps);
  if (!claim.granted) return { ...round, held: claim.held };
  if (claim.waitMs > 0) await deps.sleep(claim.waitMs);

  for (const due of claim.due) {
    const attempts: AttemptRecord[] = [];
    const outcome = await deps.client.getDossier(due.dossierId, { onExchange: (record) => void attempts.push(record) });
    round.checked += 1;
    const verdict = await recordLookup(deps, due, outcome, attempts);
    if (verdict === "reconciled") round.reconciled += 1;
    if (verdict === "not_found") round.notFound += 1;
    if (verdict === "unsettled") round.unsettled = (round.unsettled ?? 0) + 1;
    if (verdict === "stop") return { ...round, held: outcome.kind === "rate_limited" ? "rate_limit" : "symphonics_failing" };
  }
  return round;
}

type Claim = { granted: false; held: "circuit_open" | "rate_limit" } | { granted: true; waitMs: number; due: Due[] };

/**
 * Takes a batch of due dossiers, if the circuit and the rate limit let it call: the breaker is only
 * asked when something is due (an open circuit's single probe is not spent on nothing, and is one
 * lookup), and nothing is stamped when the round cannot call.
 */
async function claimDue(deps: ReconcileDeps): Promise<Claim> {
  return deps.db
    .transaction((tx) => claimIn(tx, deps))
    .catch((error: unknown): Claim => {
      if (error instanceof NoTurnYet) return { granted: false, held: "rate_limit" };
      throw error;
    });
}

async function claimIn(tx: Executor, { schedule, batchSize, settings, now: clock }: ReconcileDeps): Promise<Claim> {
  const now = (clock ?? (() => new Date()))();
  const at = now.toISOString();
  const rows = await tx.execute<{ intervention_id: string; dossier_id: string; published_at: string }>(sql`
    select intervention_id, dossier_id, published_at from publications
    where status = 'published' and dossier_status in ('received', 'processing') and dossier_id is not null
      and coalesce(dossier_status_next_check_at, published_at + ${schedule.firstMs}::float8 * interval '1 millisecond') <= ${at}::timestamptz
      and coalesce(dossier_status_checked_at, published_at) <= ${at}::timestamptz - ${schedule.firstMs}::float8 * interval '1 millisecond'
    order by coalesce(dossier_status_next_check_at, published_at)
    limit ${batchSize ?? DEFAULT_BATCH_SIZE}
    for update skip locked`);
  if (rows.length === 0) return { granted: true, waitMs: 0, due: [] };
  const permission = await requestPermission(tx, settings.breaker);
  if (!permission.allowed) return { granted: false, held: "circuit_open" };
  const claimed = permission.probe ? rows.slice(0, 1) : [...rows];
  const turn = await reserveRequests(tx, settings.rateLimit, claimed.length);
  // Rolled back, so that a probe taken above is not spent either.
  if (!turn.granted) throw new NoTurnYet();
  const due = claimed.map((row) => {
    const next = nextLookupAt(schedule, new Date(row.published_at), now);
    // After the last lookup, one more only if this one brings no answer (it failed).
    return { interventionId: row.intervention_id, dossierId: row.dossier_id, last: next === null, next: next ?? new Date(now.getTime() + schedule.repeatMs) };
  });
  const values = sql.join(
    due.map((row) => sql`(${row.interventionId}::uuid, ${row.next.toISOString()}::timestamptz)`),
    sql`, `,
  );
  await tx.execute(sql`
    update publications p set dossier_status_checked_at = ${at}::timestamptz, dossier_status_next_check_at = v.next_check_at
    from (values ${values}) as v(intervention_id, next_check_at)
    where p.intervention_id = v.intervention_id`);
  return { granted: true, waitMs: turn.waitMs, due: due.map(({ interventionId, dossierId, last }) => ({ interventionId, dossierId, last })) };
}

class NoTurnYet extends Error {}

type Verdict = "reconciled" | "unchanged" | "not_found" | "unsettled" | "stop";

async function recordLookup(deps: ReconcileDeps, due: Due, outcome: Outcome<RemoteDossier>, attempts: AttemptRecord[]): Promise<Verdict> {
  const { db, settings } = deps;
  if (outcome.kind === "rate_limited") {
    await holdUntilRetryAfter(db, settings.rateLimit, outcome.retryAfterMs);
    await insertAttempts(db, due.interventionId, attempts);
    return "stop";
  }
  const symphonicsDown = outcome.kind === "ambiguous" || (outcome.kind === "retryable" && (outcome.httpStatus ?? 500) >= 500);
  if (symphonicsDown) await recordFailure(db, settings.breaker);
  else await recordHealthy(db, settings.breaker);
  if (outcome.kind !== "success" && !(outcome.kind === "not_retryable" && outcome.httpStatus === 404)) {
    await insertAttempts(db, due.interventionId, attempts);
    return symphonicsDown || outcome.kind === "authentication" ? "stop" : "unchanged";
  }

  return db.transaction(async (tx) => {
    const [publication] = await tx
      .select()
      .from(publications)
      .where(and(eq(publications.interventionId, due.interventionId), eq(publications.dossierId, due.dossierId)))
      .for("update");
    // Final meanwhile (a webhook came), or no longer this dossier's publication: nothing to repair.
    const open = publication && publication.status === "published" && publication.dossierStatus && !isFinalDossierStatus(publication.dossierStatus);
    if (!open) {
      await insertAttempts(tx, due.interventionId, attempts);
      return "unchanged";
    }
    if (outcome.kind !== "success") {
      await insertAttempts(tx, due.interventionId, attempts);
      await flagLostDossier(tx, publication);
      return "not_found";
    }
    const remote = outcome.value;
    const applied = await applyDossierStatus(tx, publication, { dossierId: due.dossierId, status: remote.status, reason: remote.rejectionReason ?? null, source: "reconciliation" });
    if (applied === "applied") {
      const lookup = attempts.find((attempt) => attempt.operation === "get_dossier" && attempt.outcome === "success");
      if (lookup) lookup.message = `Symphonics reports the dossier ${remote.status}; no webhook had said so, the status is applied from this lookup.`;
    }
    await insertAttempts(tx, due.interventionId, attempts);
    const settled = isFinalDossierStatus(applied === "applied" ? remote.status : (publication.dossierStatus ?? remote.status));
    if (due.last && !settled) await flagUnsettledDossier(tx, publication, remote.status);
    if (applied !== "applied") return due.last && !settled ? "unsettled" : "unchanged";
    observeReconciledStatus(remote.status);
    return "reconciled";
  });
}

/**
 * Symphonics answers 404 for a dossier it accepted: never expected, so nothing is deleted or sent
 * again by itself; a person finds out with Symphonics what became of it.
 */
async function flagLostDossier(tx: Executor, publication: Publication): Promise<void> {
  const dossierId = publication.dossierId ?? "";
  const [intervention] = await tx.select({ reference: interventions.reference }).from(interventions).where(eq(interventions.id, publication.interventionId));
  const reference = intervention?.reference ?? publication.interventionId;
  const message = `Symphonics says it has no dossier ${dossierId}, although it accepted this intervention's dossier. Nothing was deleted here: ask Symphonics what became of the dossier ${dossierId}.`;
  await markNeedsReview(tx, publication.interventionId, publication.status, {
    problems: [{ field: "(dossier)", message }],
    error: { code: "dossier_not_found", message },
  });
  await raiseAlert(tx, {
    kind: "dossier_not_found",
    groupKey: `dossier_not_found:${publication.interventionId}`,
    severity: "critical",
    message: { key: "dossierNotFound", values: { dossierId, reference } },
    interventionId: publication.interventionId,
    recurrence: true,
  });
  await recordAudit(tx, systemPrincipal, "publication.dossier_not_found", publication.interventionId, { dossierId });
}

/**
 * Still `received` or `processing` at the schedule's last lookup (14 days by default): Symphonics
 * is not deciding, and asking it more often will not help. Nothing is sent again by itself; a
 * person finds out with Symphonics.
 */
async function flagUnsettledDossier(tx: Executor, publication: Publication, remoteStatus: string): Promise<void> {
  const dossierId = publication.dossierId ?? "";
  const [intervention] = await tx.select({ reference: interventions.reference }).from(interventions).where(eq(interventions.id, publication.interventionId));
  const reference = intervention?.reference ?? publication.interventionId;
  const message = `Symphonics still reports the dossier ${dossierId} as ${remoteStatus}, long after it was sent: its status is no longer looked up. Ask Symphonics why the dossier ${dossierId} is not decided.`;
  await markNeedsReview(tx, publication.interventionId, publication.status, {
    problems: [{ field: "(dossier)", message }],
    error: { code: "dossier_status_unsettled", message },
  });
  await raiseAlert(tx, {
    kind: "dossier_status_unsettled",
    groupKey: `dossier_status_unsettled:${publication.interventionId}`,
    severity: "warning",
    message: { key: "dossierStatusUnsettled", values: { dossierId, reference, status: remoteStatus } },
    interventionId: publication.interventionId,
  });
  await recordAudit(tx, systemPrincipal, "publication.dossier_status_unsettled", publication.interventionId, { dossierId, status: remoteStatus });
}

async function insertAttempts(tx: Executor, interventionId: string, attempts: readonly AttemptRecord[]): Promise<void> {
  if (attempts.length === 0) return;
  await tx.insert(publicationAttempts).values(
    attempts.map((record) => ({
      interventionId,
      operation: record.operation,
      idempotencyKey: record.idempotencyKey,
      trigger: "automatic" as const,
      triggeredBy: RECONCILER,
      outcome: record.outcome,
      httpStatus: record.httpStatus,
      problemCode: record.problemCode,
      message: record.message,
      durationMs: Math.round(record.durationMs),
      responseExcerpt: record.responseExcerpt,
      correlationId: currentCorrelationId() ?? null,
      startedAt: record.startedAt,
    })),
  );
  observeSymphonicsExchanges(attempts);
}

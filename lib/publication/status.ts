import { eq, inArray, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { executePrepared, isAnyOf, rowOf } from "@/db/sql";
import { beneficiaries, interventions, publications, type Publication, type PublicationStatus } from "@/db/schema";
import type { FieldProblem } from "@/lib/errors";

/**
 * Where the publication of one intervention stands (the statuses are the `publication_status`
 * enum of db/schema.ts), which moves are allowed, and the only functions that write
 * `publications.status`. Importable by client components: nothing here reaches the database
 * until a writer is called with a transaction.
 */
export type { PublicationStatus };

/**
 * What staff are shown: the publication's status, except that an intervention cancelled before it
 * was published is "cancelled", never "not ready" (it will never be sent).
 */
export type SyncState = PublicationStatus | "cancelled";

export function syncStateOf(publication: PublicationStatus, intervention: string): SyncState {
  return intervention === "cancelled" && publication === "not_ready" ? "cancelled" : publication;
}

/** On its way: a job waits, runs or is scheduled for a retry. A new trigger adds nothing; erasure waits. */
export const UNDERWAY_STATUSES = ["queued", "in_progress", "retrying"] as const satisfies readonly PublicationStatus[];
export type UnderwayStatus = (typeof UNDERWAY_STATUSES)[number];

export function isUnderway(status: PublicationStatus): status is UnderwayStatus {
  return (UNDERWAY_STATUSES as readonly PublicationStatus[]).includes(status);
}

// Literals, as a hand-written query would have them: a bound text parameter does not compare with the enum.
const underwayList = sql.raw(UNDERWAY_STATUSES.map((status) => `'${status}'`).join(", "));

/** The underway test for raw SQL: sql`… where ${underwaySql(sql`p.status`)}`. */
export function underwaySql(status: SQLWrapper): SQL {
  return sql`${status} in (${underwayList})`;
}

/**
 * The moves between statuses, by the writer that makes them. A run's outcome (postponed, retrying,
 * failed, needs_review, published) is recorded whatever its publication became since the claim
 * (a concurrent run of a job taken again, a rejection webhook), so those targets are reachable from
 * every unpublished status. Only a claim enters in_progress, and only from underway; published
 * is final but for Symphonics rejecting the dossier afterwards. Staying in a status is always allowed.
 */
const runOutcomes = ["queued", "retrying", "failed", "needs_review", "published"] as const satisfies readonly PublicationStatus[];
const allowed: Record<PublicationStatus, readonly PublicationStatus[]> = {
  // queued: a trigger or a person; the rest by a run that outlived a concurrent one.
  not_ready: [...runOutcomes],
  // not_ready: a trigger or the claim finds it no longer eligible; in_progress: the claim.
  queued: ["not_ready", "in_progress", ...runOutcomes],
  // The claim of a job taken again after its worker died, or the run's own outcome.
  in_progress: ["not_ready", ...runOutcomes],
  retrying: ["not_ready", "in_progress", ...runOutcomes],
  // not_ready: data changed so it is no longer eligible, or the beneficiary's data was erased.
  needs_review: ["not_ready", "resolved", ...runOutcomes],
  failed: ["not_ready", ...runOutcomes],
  // Symphonics may still reject a dossier it received. resolved: a person settled that rejection.
  published: ["needs_review"],
  // Final for people and triggers (the rejected dossier exists at Symphonics under this reference);
  // no run starts from it, only the outcome of one that outlived the rejection and its resolution.
  resolved: [...runOutcomes],
};

/** Needs review because Symphonics rejected the dossier: it cannot be sent again, only resolved by a person. */
export function isRejected(publication: Pick<Publication, "status" | "dossierStatus">): boolean {
  return publication.status === "needs_review" && publication.dossierStatus === "rejected";
}

export function canTransition(from: PublicationStatus, to: PublicationStatus): boolean {
  return from === to || allowed[from].includes(to);
}

/**
 * Every writer receives the status its caller read under the publication's row lock and checks the
 * move here, before its one UPDATE: no extra round trip, and no other writer can interleave. A
 * refused move is a bug in the caller, not bad input.
 */
function assertTransition(interventionId: string, from: PublicationStatus, to: PublicationStatus): void {
  if (!canTransition(from, to)) throw new Error(`publication ${interventionId}: ${from} → ${to} is not a publication transition`);
}

const byIntervention = (interventionId: string) => eq(publications.interventionId, interventionId);

export interface ErrorRecord {
  code: string;
  message: string;
}

const lastError = (error: ErrorRecord) => ({ lastErrorCode: error.code, lastErrorMessage: error.message, lastErrorAt: sql`now()` });

/**
 * Queued for a new run: the data became eligible (a trigger), or a person asked, which also starts
 * a fresh retry budget. The queued time anchors the dossier's file links. Returns the row.
 */
export async function markQueued(tx: Executor, interventionId: string, from: PublicationStatus, options: { freshRetryBudget?: boolean } = {}): Promise<Publication> {
  assertTransition(interventionId, from, "queued");
  const [queued] = await tx
    .update(publications)
    .set({
      status: "queued",
      queuedAt: sql`now()`,
      nextAttemptAt: null,
      problems: null,
      ...(options.freshRetryBudget ? { consecutiveFailures: 0, firstFailureAt: null } : {}),
      updatedAt: sql`now()`,
    })
    .where(byIntervention(interventionId))
    .returning();
  return queued!;
}

/** No longer eligible: nothing goes out until a change makes it eligible again. */
export async function markNotReady(tx: Executor, interventionId: string, from: PublicationStatus, options: { problems?: FieldProblem[] } = {}): Promise<void> {
  assertTransition(interventionId, from, "not_ready");
  await tx
    .update(publications)
    .set({ status: "not_ready", nextAttemptAt: null, ...(options.problems !== undefined ? { problems: options.problems } : {}), updatedAt: sql`now()` })
    .where(byIntervention(interventionId));
}

/** A run claims the publication: one more attempt. */
export async function markInProgress(tx: Executor, interventionId: string, from: PublicationStatus): Promise<void> {
  assertTransition(interventionId, from, "in_progress");
  await tx
    .update(publications)
    .set({ status: "in_progress", nextAttemptAt: null, attemptCount: sql`${publications.attemptCount} + 1`, updatedAt: sql`now()` })
    .where(byIntervention(interventionId));
}

/**
 * The claim of a batch in one statement, on its own (no transaction around it): the publications of
 * `interventionIds` that no other transaction holds are locked, the underway ones for which `goes`
 * holds enter in_progress (one more attempt), and every locked row comes back as it was read, with
 * `went` and the `also` columns. `goes` and `also` are SQL over the publication, its intervention and
 * its beneficiary (the tables publications, interventions and beneficiaries). A row that did not go
 * is unchanged: its caller decides about it with markInProgress or markInProgressAll, under a lock.
 */
export async function claimInProgress<Also extends Record<string, unknown>>(
  db: Executor,
  interventionIds: readonly string[],
  goes: SQL,
  also: { [K in keyof Also]: SQL },
): Promise<({ publication: Publication; went: boolean } & Also)[]> {
  const names = Object.keys(also);
  const alsoColumns = sql.join(
    names.map((name) => sql`${also[name]!} as ${sql.identifier(name)}`),
    sql`, `,
  );
  const rows = await executePrepared<Record<string, unknown>>(
    db,
    sql`
    with locked as (
      select ${publications}.*, (${goes}) as goes${names.length > 0 ? sql`, ${alsoColumns}` : sql``}
      from ${publications}
      join ${interventions} on ${interventions.id} = ${publications.interventionId}
      join ${beneficiaries} on ${beneficiaries.id} = ${interventions.beneficiaryId}
      where ${isAnyOf(publications.interventionId, interventionIds)}
      for update of ${publications} skip locked
    ), going as (
      update ${publications}
      set status = 'in_progress', next_attempt_at = null, attempt_count = locked.attempt_count + 1, updated_at = now()
      from locked
      where ${publications.interventionId} = locked.intervention_id and locked.goes and ${underwaySql(sql`locked.status`)}
      returning ${publications.interventionId}
    )
    select locked.*, going.intervention_id is not null as went from locked left join going using (intervention_id)`,
  );
  return rows.map((row) => {
    const extra = Object.fromEntries(names.map((name) => [name, row[name]])) as Also;
    return { ...extra, publication: rowOf(publications, row), went: row.went === true };
  });
}

/** A batch of runs claims its publications in one statement: the same move as markInProgress, row by row. */
export async function markInProgressAll(tx: Executor, rows: readonly { interventionId: string; status: PublicationStatus }[]): Promise<void> {
  if (rows.length === 0) return;
  for (const row of rows) assertTransition(row.interventionId, row.status, "in_progress");
  await tx
    .update(publications)
    .set({ status: "in_progress", nextAttemptAt: null, attemptCount: sql`${publications.attemptCount} + 1`, updatedAt: sql`now()` })
    .where(
      isAnyOf(
        publications.interventionId,
        rows.map((row) => row.interventionId),
      ),
    )
    .prepare("mark_in_progress_all")
    .execute();
}

/**
 * The next run moves to `at` without counting a failure (circuit open, rate limit): the
 * publication keeps the status it had before its run (a run in progress goes back to queued), and
 * its retry budget moves forward by the same delay.
 */
export async function markPostponed(
  tx: Executor,
  interventionId: string,
  from: PublicationStatus,
  values: { before: PublicationStatus; nextAttemptAt: Date; firstFailureAt: Date | null },
): Promise<void> {
  const status = values.before === "in_progress" ? "queued" : values.before;
  assertTransition(interventionId, from, status);
  await tx
    .update(publications)
    .set({ status, nextAttemptAt: values.nextAttemptAt, firstFailureAt: values.firstFailureAt, updatedAt: sql`now()` })
    .where(byIntervention(interventionId));
}

interface FailureValues {
  consecutiveFailures: number;
  firstFailureAt: Date;
  error: ErrorRecord;
}

async function writeFailure(tx: Executor, interventionId: string, from: PublicationStatus, status: "retrying" | "failed", nextAttemptAt: Date | null, values: FailureValues) {
  assertTransition(interventionId, from, status);
  await tx
    .update(publications)
    .set({ status, consecutiveFailures: values.consecutiveFailures, firstFailureAt: values.firstFailureAt, nextAttemptAt, ...lastError(values.error), updatedAt: sql`now()` })
    .where(byIntervention(interventionId));
}

/** A transient failure within the retry budget: the next run is at `at`. */
export async function markRetrying(tx: Executor, interventionId: string, from: PublicationStatus, values: FailureValues & { at: Date }): Promise<void> {
  await writeFailure(tx, interventionId, from, "retrying", values.at, values);
}

/** The retry budget is spent: kept for a person, never dropped. */
export async function markFailed(tx: Executor, interventionId: string, from: PublicationStatus, values: FailureValues): Promise<void> {
  await writeFailure(tx, interventionId, from, "failed", null, values);
}

/** Invalid data, locally or per Symphonics: a person corrects it, which re-queues it. */
export async function markNeedsReview(tx: Executor, interventionId: string, from: PublicationStatus, values: { problems: FieldProblem[]; error: ErrorRecord }): Promise<void> {
  assertTransition(interventionId, from, "needs_review");
  await tx
    .update(publications)
    .set({ status: "needs_review", problems: values.problems, ...lastError(values.error), nextAttemptAt: null, consecutiveFailures: 0, firstFailureAt: null, updatedAt: sql`now()` })
    .where(byIntervention(interventionId));
}

/**
 * Symphonics holds the dossier. `current` is the row read under lock: a webhook may have told us
 * more already, and a rejection can outrun this write, in which case the dossier exists but a person
 * must look at it (needs_review, its problems kept).
 */
export async function markPublished(tx: Executor, current: Publication, values: { dossierId: string; photosSent: number }): Promise<void> {
  const known = current.dossierId === values.dossierId;
  const rejected = known && current.dossierStatus === "rejected";
  const status = rejected ? "needs_review" : "published";
  assertTransition(current.interventionId, current.status, status);
  await tx
    .update(publications)
    .set({
      status,
      dossierId: values.dossierId,
      dossierStatus: known && current.dossierStatus ? current.dossierStatus : "received",
      photosSent: values.photosSent,
      publishedAt: sql`now()`,
      nextAttemptAt: null,
      consecutiveFailures: 0,
      firstFailureAt: null,
      problems: rejected ? current.problems : null,
      updatedAt: sql`now()`,
    })
    .where(byIntervention(current.interventionId));
}

/**
 * The same move as markPublished for a batch of publications in one statement: `current` each row
 * read under lock, `values` what its run confirmed.
 */
export async function markPublishedAll(tx: Executor, rows: readonly { current: Publication; values: { dossierId: string; photosSent: number } }[]): Promise<void> {
  if (rows.length === 0) return;
  const changes = rows.map(({ current, values }) => {
    const known = current.dossierId === values.dossierId;
    const rejected = known && current.dossierStatus === "rejected";
    const status = rejected ? "needs_review" : "published";
    assertTransition(current.interventionId, current.status, status);
    return {
      intervention_id: current.interventionId,
      status,
      dossier_id: values.dossierId,
      dossier_status: known && current.dossierStatus ? current.dossierStatus : "received",
      photos_sent: values.photosSent,
      problems: rejected ? current.problems : null,
    };
  });
  await executePrepared(
    tx,
    sql`
    update publications p
    set status = c.status, dossier_id = c.dossier_id, dossier_status = c.dossier_status, photos_sent = c.photos_sent,
        published_at = now(), next_attempt_at = null, consecutive_failures = 0, first_failure_at = null, problems = c.problems, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb)
      as c(intervention_id uuid, status publication_status, dossier_id text, dossier_status dossier_status, photos_sent integer, problems jsonb)
    where p.intervention_id = c.intervention_id`,
  );
}

/** Symphonics rejected the dossier (a webhook), whenever it comes: a person must look at it. */
export async function markRejected(tx: Executor, interventionId: string, from: PublicationStatus, values: { dossierId: string; reason: string; explanation: string }): Promise<void> {
  assertTransition(interventionId, from, "needs_review");
  await tx
    .update(publications)
    .set({
      dossierId: values.dossierId,
      dossierStatus: "rejected",
      rejectionReason: values.reason,
      status: "needs_review",
      problems: [{ field: "(dossier)", message: values.explanation }],
      ...lastError({ code: "dossier_rejected", message: values.explanation }),
      nextAttemptAt: null,
      updatedAt: sql`now()`,
    })
    .where(byIntervention(interventionId));
}

/**
 * A person settled a rejected dossier with Symphonics (corrected on their side, or abandoned):
 * `current` is the row read under lock; only a rejection can be resolved, with a note saying how.
 */
export async function markResolved(tx: Executor, current: Publication, values: { by: string; note: string }): Promise<void> {
  if (!isRejected(current)) throw new Error(`publication ${current.interventionId}: only a rejected dossier can be resolved`);
  assertTransition(current.interventionId, current.status, "resolved");
  await tx
    .update(publications)
    .set({ status: "resolved", resolvedAt: sql`now()`, resolvedBy: values.by, resolutionNote: values.note, nextAttemptAt: null, updatedAt: sql`now()` })
    .where(byIntervention(current.interventionId));
}

/**
 * A beneficiary's data is erased: the free texts that may quote it go, and an unpublished
 * publication can no longer be published (not_ready); a published or resolved one stays as it is.
 */
export async function markErased(tx: Executor, rows: readonly { interventionId: string; status: PublicationStatus }[]): Promise<void> {
  const kept = (status: PublicationStatus) => status === "published" || status === "resolved";
  for (const row of rows) assertTransition(row.interventionId, row.status, kept(row.status) ? row.status : "not_ready");
  await tx
    .update(publications)
    .set({
      problems: null,
      lastErrorMessage: null,
      rejectionReason: null,
      status: sql`case when ${publications.status} in ('published', 'resolved') then ${publications.status} else 'not_ready'::publication_status end`,
    })
    .where(
      inArray(
        publications.interventionId,
        rows.map((row) => row.interventionId),
      ),
    );
}

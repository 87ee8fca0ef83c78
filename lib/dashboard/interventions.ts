import { and, count, eq, gte, inArray, like, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { beneficiaries, interventions, interventionStatus, publicationStatus, publications, type PublicationStatus } from "@/db/schema";
import { toIsoOrNull } from "@/lib/dates";
import { DATE_RANGE_MESSAGE, isStorableDate, isStorableText, UNSTORABLE_TEXT_MESSAGE } from "@/lib/values";
import { CURSOR_REFUSED, cursorParameter, cursorTime, encodeCursor, isCursorTime } from "./cursor";
import { atTimeZone, checkTimeZone, timeZoneSchema } from "./time-zone";
import type { Locale } from "@/lib/i18n/locales";
import { explainPublication } from "@/lib/publication/explanations";
import { syncStateOf } from "@/lib/publication/status";
import { readPipelineConditions } from "./publication";
import { beneficiaryNameOf } from "./beneficiary-name";

export const LIST_SORTS = ["updated_desc", "updated_asc", "reference_asc", "reference_desc"] as const;
export type ListSort = (typeof LIST_SORTS)[number];
const byReference = (sort: ListSort) => sort.startsWith("reference");

const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) => value.split(",").filter(Boolean))
    .pipe(z.array(z.enum(values, { error: `must be a comma-separated list of: ${values.join(", ")}` })).max(values.length));

const day = z.iso
  .date({ error: "must be a date written YYYY-MM-DD" })
  // A value that is not a day at all is reported by the format check alone.
  .refine((value) => Number.isNaN(Date.parse(value)) || isStorableDate(new Date(value)), DATE_RANGE_MESSAGE);

/** The filters besides the synchronisation state, which the per-state totals are counted under. */
const narrowingFields = {
  status: list(interventionStatus.enumValues).optional(),
  // A trigram index answers substring searches only from three characters on.
  q: z.string().trim().min(3, "must be at least 3 characters").max(100, "must be at most 100 characters").refine(isStorableText, UNSTORABLE_TEXT_MESSAGE).optional(),
  /** Last change on or after this day (in `tz`), and on or before `to`. */
  from: day.optional(),
  to: day.optional(),
  tz: timeZoneSchema,
};
const fromNotAfterTo: [(q: { from?: string; to?: string }) => boolean, { path: string[]; message: string }] = [(q) => !q.from || !q.to || q.from <= q.to, { path: ["to"], message: "must not be before from" }];

/** The list's query string: every filter lives in the URL, so a view can be shared as a link. */
export const listQuerySchema = z
  .object({
    publication: list(publicationStatus.enumValues).optional(),
    ...narrowingFields,
    sort: z.enum(LIST_SORTS, { error: `must be one of: ${LIST_SORTS.join(", ")}` }).default("updated_desc"),
    cursor: cursorParameter("time_or_reference").optional(),
    limit: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(200, "must be at most 200").default(50),
  })
  .refine(...fromNotAfterTo)
  // A page sorted by time continues from a time: a reference there would fail the query.
  .refine((q) => !q.cursor || byReference(q.sort) || isCursorTime(q.cursor.key), { path: ["cursor"], message: CURSOR_REFUSED });

export type ListQuery = z.infer<typeof listQuerySchema>;


/**
 * One page of interventions, filtered, searched and sorted in the database.
 *
 * Filtered by synchronisation state, the page is ordered by when each publication entered its
 * state (publications.updated_at) rather than by the intervention's last change: the
 * (status, updated_at) index then yields the page directly. Ordering a few thousand failed
 * publications by the intervention's last change would mean reading each intervention first
 * (~0.5 s at a million rows), or walking every recent change looking for rare failures.
 */
export async function listInterventions(db: Executor, query: ListQuery, locale: Locale = "en") {
  await checkTimeZone(db, query.tz);
  const referenceOrder = byReference(query.sort);
  const bySyncState = !referenceOrder && !!query.publication?.length;
  const descending = query.sort.endsWith("desc");
  const changedAt = bySyncState ? publications.updatedAt : interventions.updatedAt;
  const rowId = bySyncState ? publications.interventionId : interventions.id;

  const where: SQL[] = narrowing(query, changedAt);
  if (query.publication?.length) {
    where.push(inArray(publications.status, query.publication));
    // Also on the publication's copy of the text: a rare state searched (failed in Lyon) is then
    // read off the state's own rows, each of its 5,000 failed rows no longer fetching its
    // intervention; the intervention's condition stays for the trigram index of a rare search.
    if (query.q) where.push(like(publications.searchText, containing(query.q)));
  }

  const sortKey = referenceOrder ? sql<string>`${interventions.reference}` : cursorTime(changedAt);
  if (query.cursor) {
    const { key, id } = query.cursor;
    // References are unique, so they alone place the cursor; a time needs the id to break ties.
    // Row comparisons, which PostgreSQL answers straight from the (updated_at, id) index.
    const after = referenceOrder
      ? sql`${interventions.reference} ${sql.raw(descending ? "<" : ">")} ${key}`
      : sql`(${changedAt}, ${rowId}) ${sql.raw(descending ? "<" : ">")} (${key}::timestamptz, ${id}::uuid)`;
    where.push(after);
  }
  // Spelled out to match the indexes exactly, read forwards or backwards: (updated_at DESC NULLS
  // LAST, id DESC NULLS LAST), (status, updated_at DESC NULLS LAST) and (reference); any other
  // NULLS placement makes PostgreSQL sort every row instead of reading the page off the index.
  const order = referenceOrder
    ? [descending ? sql`${interventions.reference} desc nulls first` : sql`${interventions.reference} asc nulls last`]
    : descending
      ? [sql`${changedAt} desc nulls last`, sql`${rowId} desc nulls last`]
      : [sql`${changedAt} asc nulls first`, sql`${rowId} asc nulls first`];

  const pageOf = (condition: SQL | undefined) =>
    db
      .select({
        id: interventions.id,
        reference: interventions.reference,
        status: interventions.status,
        city: interventions.city,
        postalCode: interventions.postalCode,
        firstName: beneficiaries.firstName,
        lastName: beneficiaries.lastName,
        completedAt: interventions.completedAt,
        updatedAt: interventions.updatedAt,
        publicationStatus: publications.status,
        publicationChangedAt: publications.updatedAt,
        dossierId: publications.dossierId,
        dossierStatus: publications.dossierStatus,
        attemptCount: publications.attemptCount,
        lastErrorMessage: publications.lastErrorMessage,
        nextAttemptAt: publications.nextAttemptAt,
        // What the explanation needs.
        rejectionReason: publications.rejectionReason,
        consecutiveFailures: publications.consecutiveFailures,
        lastErrorCode: publications.lastErrorCode,
        lastErrorAt: publications.lastErrorAt,
        firstFailureAt: publications.firstFailureAt,
        publishedAt: publications.publishedAt,
        resolvedAt: publications.resolvedAt,
        resolvedBy: publications.resolvedBy,
        problems: publications.problems,
        sortKey,
      })
      .from(interventions)
      .innerJoin(publications, eq(publications.interventionId, interventions.id))
      .innerJoin(beneficiaries, eq(beneficiaries.id, interventions.beneficiaryId))
      .where(condition)
      .orderBy(...order)
      .limit(query.limit + 1);

  // Without a synchronisation-state filter every condition is on the intervention, so the page is
  // first chosen among interventions and only its rows are joined: a search matching 2,500
  // interventions otherwise joins all 2,500 to their publication and beneficiary before sorting.
  // Intake gives every intervention its publication; if one had none, the join decides instead.
  const rowsOfPage = async () => {
    if (query.publication?.length) return pageOf(and(...where));
    const chosen = await db.select({ id: interventions.id }).from(interventions).where(and(...where)).orderBy(...order).limit(query.limit + 1);
    if (!chosen.length) return [];
    const joined = await pageOf(inArray(interventions.id, chosen.map((row) => row.id)));
    return joined.length === chosen.length ? joined : pageOf(and(...where));
  };
  const [rows, now] = await Promise.all([rowsOfPage(), readPipelineConditions(db, locale)]);

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      reference: row.reference,
      status: row.status,
      city: row.city,
      postalCode: row.postalCode,
      beneficiaryName: beneficiaryNameOf(row.firstName, row.lastName),
      publicationStatus: row.publicationStatus,
      /** What the badge shows: the publication's status, or cancelled. */
      syncState: syncStateOf(row.publicationStatus, row.status),
      /** Where it stands and what happens next, in words (the page's and sync-status's sentence). */
      explanation: explainPublication({ ...row, status: row.publicationStatus }, { status: row.status }, now),
      dossierId: row.dossierId,
      dossierStatus: row.dossierStatus,
      attemptCount: row.attemptCount,
      lastErrorMessage: row.lastErrorMessage,
      completedAt: toIsoOrNull(row.completedAt),
      updatedAt: toIsoOrNull(row.updatedAt),
      /** When the publication entered its current state. */
      publicationChangedAt: toIsoOrNull(row.publicationChangedAt),
      nextAttemptAt: toIsoOrNull(row.nextAttemptAt),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.sortKey, last.id) : null,
    /** Which time the page is ordered and filtered by: the intervention's last change, or its publication's. */
    orderedBy: bySyncState ? ("publicationChangedAt" as const) : ("updatedAt" as const),
  };
}

/** The list's conditions besides the synchronisation state; `changedAt` is the time the days filter. */
function narrowing(query: TotalsQuery, changedAt: typeof publications.updatedAt | typeof interventions.updatedAt): SQL[] {
  const where: SQL[] = [];
  if (query.status?.length) where.push(inArray(interventions.status, query.status));
  if (query.q) where.push(like(interventions.searchText, containing(query.q)));
  // Days are the staff member's own: 2026-11-25 in Paris starts at 23:00 UTC the day before.
  if (query.from) where.push(gte(changedAt, sql`(${query.from}::date)::timestamp at time zone ${atTimeZone(query.tz)}`));
  if (query.to) where.push(lt(changedAt, sql`(${query.to}::date + 1)::timestamp at time zone ${atTimeZone(query.tz)}`));
  return where;
}

/**
 * The LIKE pattern of a search. Search texts are stored lowercased by the same toLowerCase
 * (searchTextOf): a plain LIKE matches exactly what ILIKE would, without folding the case of every
 * row it rechecks.
 */
function containing(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;
}

/** The list's other filters, under which each synchronisation state is counted. */
export const totalsQuerySchema = z.object(narrowingFields).refine(...fromNotAfterTo);
export type TotalsQuery = z.infer<typeof totalsQuerySchema>;

/**
 * How many interventions each synchronisation state filter of the list shows under the other
 * filters: what clicking that state's chip would list (days, then, are days the publication
 * entered its state, as in a list filtered by state). `cancelled` counts, among `not_ready`, the
 * cancelled interventions, which that filter lists with their own badge. A request of its own,
 * so the list's page (refreshed every second while something is on its way) never waits for a count.
 */
export async function countBySyncState(db: Executor, query: TotalsQuery) {
  await checkTimeZone(db, query.tz);
  const where = narrowing(query, publications.updatedAt);
  const counted = db.select({ status: publications.status, n: count() }).from(publications).$dynamic();
  // Without a condition on the intervention, the (status, updated_at) index alone answers.
  const joined = query.status?.length || query.q ? counted.innerJoin(interventions, eq(interventions.id, publications.interventionId)) : counted;
  const rows = await joined.where(and(...where)).groupBy(publications.status);
  const byState = Object.fromEntries(publicationStatus.enumValues.map((status) => [status, 0])) as Record<PublicationStatus, number>;
  for (const row of rows) byState[row.status] = row.n;
  const [cancelled] = byState.not_ready
    ? await db
        .select({ n: count() })
        .from(publications)
        .innerJoin(interventions, eq(interventions.id, publications.interventionId))
        .where(and(eq(publications.status, "not_ready"), eq(interventions.status, "cancelled"), ...where))
    : [{ n: 0 }];
  return { byState, cancelled: cancelled!.n, total: rows.reduce((sum, row) => sum + row.n, 0) };
}

export type SyncStateTotals = Awaited<ReturnType<typeof countBySyncState>>;

export type InterventionList = Awaited<ReturnType<typeof listInterventions>>;
export type InterventionListItem = InterventionList["items"][number];

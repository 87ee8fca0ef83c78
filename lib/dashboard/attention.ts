import { and, eq, gte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { beneficiaries, interventions, publications } from "@/db/schema";
import { toIsoOrNull } from "@/lib/dates";
import { storableTimestamp } from "@/lib/values";
import { cursorParameter, cursorTime, encodeCursor } from "./cursor";
import { translator } from "@/lib/i18n/catalogue";
import type { Locale } from "@/lib/i18n/locales";
import { explainPublication, retryBlocker } from "@/lib/publication/explanations";
import { readPipelineConditions } from "./publication";
import { beneficiaryNameOf } from "./beneficiary-name";

/**
 * How long a publication may sit in a transient state before a person should look: a job
 * normally starts within seconds and a send takes at most a few minutes.
 */
export const STUCK_AFTER_MINUTES = { in_progress: 15, queued: 30, retrying: 15 } as const;

export const ATTENTION_KINDS = ["failed", "needs_review", "rejected", "stuck"] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

export const attentionQuerySchema = z.object({
  kind: z.enum(ATTENTION_KINDS, { error: `must be one of: ${ATTENTION_KINDS.join(", ")}` }).optional(),
  /** Only publications that failed at or after this instant (for "retry everything that failed since …"). */
  failedSince: storableTimestamp.optional(),
  cursor: cursorParameter("time").optional(),
  limit: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(500, "must be at most 500").default(100),
});

export type AttentionQuery = z.infer<typeof attentionQuerySchema>;


const stuckSince = (state: keyof typeof STUCK_AFTER_MINUTES, column: SQL | typeof publications.updatedAt) =>
  and(eq(publications.status, state), sql`${column} < now() - make_interval(mins => ${STUCK_AFTER_MINUTES[state]})`)!;

const conditions: Record<AttentionKind, SQL> = {
  failed: eq(publications.status, "failed"),
  needs_review: and(eq(publications.status, "needs_review"), sql`${publications.dossierStatus} is distinct from 'rejected'`)!,
  // Waiting for review: a resolved rejection has left the list.
  rejected: and(eq(publications.dossierStatus, "rejected"), eq(publications.status, "needs_review"))!,
  stuck: or(
    stuckSince("in_progress", publications.updatedAt),
    stuckSince("queued", sql`coalesce(${publications.queuedAt}, ${publications.updatedAt})`),
    stuckSince("retrying", sql`coalesce(${publications.nextAttemptAt}, ${publications.updatedAt})`),
  )!,
};

const kindOf = sql<AttentionKind>`case
  when ${publications.dossierStatus} = 'rejected' and ${publications.status} = 'needs_review' then 'rejected'
  when ${publications.status} = 'failed' then 'failed'
  when ${publications.status} = 'needs_review' then 'needs_review'
  else 'stuck' end`;

/** What needs a person, newest change first, with the reason in words. */
export async function listAttention(db: Executor, query: AttentionQuery, locale: Locale = "en") {
  const where: SQL[] = [query.kind ? conditions[query.kind] : or(...Object.values(conditions))!];
  if (query.failedSince) where.push(eq(publications.status, "failed"), gte(sql`coalesce(${publications.lastErrorAt}, ${publications.updatedAt})`, sql`${query.failedSince}::timestamptz`));
  if (query.cursor) {
    const { key, id } = query.cursor;
    where.push(sql`(${publications.updatedAt}, ${publications.interventionId}) < (${key}::timestamptz, ${id}::uuid)`);
  }
  const [rows, now] = await Promise.all([
    db
    .select({
      interventionId: publications.interventionId,
      reference: interventions.reference,
      firstName: beneficiaries.firstName,
      lastName: beneficiaries.lastName,
      city: interventions.city,
      kind: kindOf,
      publicationStatus: publications.status,
      dossierStatus: publications.dossierStatus,
      rejectionReason: publications.rejectionReason,
      attemptCount: publications.attemptCount,
      lastErrorMessage: publications.lastErrorMessage,
      lastErrorAt: publications.lastErrorAt,
      problems: publications.problems,
      updatedAt: publications.updatedAt,
      // What the explanation needs.
      interventionStatus: interventions.status,
      dossierId: publications.dossierId,
      consecutiveFailures: publications.consecutiveFailures,
      lastErrorCode: publications.lastErrorCode,
      nextAttemptAt: publications.nextAttemptAt,
      firstFailureAt: publications.firstFailureAt,
      publishedAt: publications.publishedAt,
      resolvedAt: publications.resolvedAt,
      resolvedBy: publications.resolvedBy,
      sortKey: cursorTime(publications.updatedAt),
    })
    .from(publications)
    .innerJoin(interventions, eq(interventions.id, publications.interventionId))
    .innerJoin(beneficiaries, eq(beneficiaries.id, interventions.beneficiaryId))
    .where(and(...where))
    // NULLS LAST as in the (status, updated_at DESC NULLS LAST) index, which can then serve one state's page.
    .orderBy(sql`${publications.updatedAt} desc nulls last`, sql`${publications.interventionId} desc nulls last`)
    .limit(query.limit + 1),
    readPipelineConditions(db, locale),
  ]);

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      reference: row.reference,
      beneficiaryName: beneficiaryNameOf(row.firstName, row.lastName),
      city: row.city,
      kind: row.kind,
      reason: reasonText(row, locale),
      /** The same sentence as on the intervention's page. */
      explanation: explainPublication({ ...row, status: row.publicationStatus }, { status: row.interventionStatus }, now),
      /** Why a bulk retry leaves it out, or null when it can be retried. */
      retryBlocker: retryBlocker({ ...row, status: row.publicationStatus }, now.now, locale),
      publicationStatus: row.publicationStatus,
      attemptCount: row.attemptCount,
      lastErrorAt: toIsoOrNull(row.lastErrorAt),
      updatedAt: toIsoOrNull(row.updatedAt),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.sortKey, last.interventionId) : null,
  };
}

const reasonWordsByLocale = new Map<Locale, ReturnType<typeof translator<"attention">>>();
/** The catalogue's `attention`, one translator per language for the process's life (a page has many rows). */
function reasonWords(locale: Locale) {
  let words = reasonWordsByLocale.get(locale);
  if (!words) reasonWordsByLocale.set(locale, (words = translator(locale, "attention")));
  return words;
}

/**
 * Why it needs a person, in the reader's language. What it quotes (the last error, the rejection
 * reason, the field problems found when it was last sent) is as the run stored it.
 */
function reasonText(
  row: {
    kind: AttentionKind;
    publicationStatus: string;
    attemptCount: number;
    lastErrorMessage: string | null;
    rejectionReason: string | null;
    problems: { field: string; message: string }[] | null;
  },
  locale: Locale,
): string {
  const t = reasonWords(locale);
  const error = row.lastErrorMessage;
  switch (row.kind) {
    case "rejected":
      return row.rejectionReason ? t("reasons.rejected", { reason: row.rejectionReason }) : t("reasons.rejectedNoReason");
    case "failed":
      return error ? t("reasons.failed", { count: row.attemptCount, error }) : t("reasons.failedNoError", { count: row.attemptCount });
    case "needs_review":
      if (row.problems?.length) return t("reasons.problems", { problems: row.problems.map((p) => t("reasons.problem", { field: p.field, message: p.message })).join("; ") });
      return error ? t("reasons.needsReview", { error }) : t("reasons.needsReviewNoError");
    case "stuck":
      return error ? t("reasons.stuck", { status: row.publicationStatus, error }) : t("reasons.stuckNoError", { status: row.publicationStatus });
  }
}

export type AttentionList = Awaited<ReturnType<typeof listAttention>>;
export type AttentionItem = AttentionList["items"][number];

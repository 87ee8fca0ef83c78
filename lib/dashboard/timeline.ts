import { desc, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { auditLog, type PublicationAttempt, type WebhookEvent } from "@/db/schema";
import { toIsoOrNull } from "@/lib/dates";
import type { Locale } from "@/lib/i18n/locales";
import { attemptText, auditText, triggerText, webhookText } from "@/lib/publication/explanations";
import { publicationHistory } from "./publication";

/**
 * One intervention's story in one list, newest first: the changes from the workforce application
 * that trigger publication, every exchange with Symphonics, every notification it sent, what the
 * pipeline concluded and what staff did. Each entry is a sentence from the catalogue
 * (lib/publication/explanations.ts), who or what did it, and the raw codes behind "details".
 */
export type TimelineKind = "trigger" | "attempt" | "webhook" | "outcome" | "staff_action";

export interface TimelineEntry {
  /** Unique within the list: the source and its row id. */
  key: string;
  kind: TimelineKind;
  at: string;
  text: string;
  /** Who or what: a person, an API token, "Automatic retry", "Symphonics". */
  by: string;
  /** Succeeded, failed, or neither (a change, a notification). */
  tone: "success" | "failure" | "neutral";
  /** The codes, for whoever needs them (behind a details toggle). */
  details: string[];
  /** An exchange's trimmed response body, shown on demand. */
  responseExcerpt: string | null;
}

export interface Timeline {
  entries: TimelineEntry[];
  /** Older entries exist beyond the list (they stay in the database). */
  truncated: boolean;
}

const isSuccess = (outcome: string) => outcome.startsWith("success") || outcome === "exists";
/** The pipeline's own conclusions, recorded by the system; a person's or a token's actions are staff actions. */
const OUTCOME_ACTIONS = new Set(["publication.published", "publication.needs_review", "publication.failed", "publication.rejected", "publication.dossier_not_found"]);
const FAILURE_ACTIONS = new Set(["publication.needs_review", "publication.failed", "publication.rejected", "publication.dossier_not_found"]);

/** The audit rows of one intervention, newest first: the timeline's changes, outcomes and staff actions. */
export function interventionAudits(db: Executor, interventionId: string, limit: number) {
  return db.select().from(auditLog).where(eq(auditLog.interventionId, interventionId)).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit);
}

interface TimelineRows {
  attempts: PublicationAttempt[];
  events: WebhookEvent[];
  audits: (typeof auditLog.$inferSelect)[];
}

/**
 * The timeline of one intervention, at most `limit` entries. Notifications are matched by its
 * reference and, once Symphonics has given one, by its dossier id. `gaveUp` marks the newest
 * failing exchange of a spent budget as where the retries stopped.
 */
export async function interventionTimeline(
  db: Executor,
  intervention: { id: string; reference: string; dossierId: string | null; gaveUp: boolean },
  limit: number,
  locale: Locale = "en",
): Promise<Timeline> {
  // One row more than shown of each source tells whether older entries exist.
  const [history, audits] = await Promise.all([publicationHistory(db, intervention, limit + 1), interventionAudits(db, intervention.id, limit + 1)]);
  return timelineOf({ ...history, audits }, intervention, limit, locale);
}

/** The timeline from rows already read, newest first, `limit + 1` of each source (the detail page reads them once for all its panels). */
export function timelineOf({ attempts, events, audits }: TimelineRows, intervention: { gaveUp: boolean }, limit: number, locale: Locale = "en"): Timeline {
  const entries: (TimelineEntry & { sortAt: number; order: number })[] = [
    ...attempts.map((attempt) => ({
      key: `attempt-${attempt.id}`,
      kind: "attempt" as const,
      at: toIsoOrNull(attempt.startedAt)!,
      text: attemptText(attempt, intervention.gaveUp && attempt === attempts[0] && !isSuccess(attempt.outcome), locale),
      by: triggerText(attempt.trigger, attempt.triggeredBy, locale),
      tone: isSuccess(attempt.outcome) ? ("success" as const) : ("failure" as const),
      details: [
        `${attempt.operation}: outcome ${attempt.outcome}`,
        attempt.httpStatus ? `HTTP ${attempt.httpStatus}` : null,
        attempt.problemCode,
        attempt.message,
        `${attempt.durationMs} ms`,
        attempt.idempotencyKey ? `Idempotency-Key ${attempt.idempotencyKey}` : null,
      ].filter((part): part is string => Boolean(part)),
      responseExcerpt: attempt.responseExcerpt,
      sortAt: attempt.startedAt.getTime(),
      order: 2,
    })),
    ...events.map((event) => ({
      key: `webhook-${event.id}`,
      kind: "webhook" as const,
      at: toIsoOrNull(event.receivedAt)!,
      text: webhookText(event, locale),
      by: "Symphonics",
      tone: event.status === "rejected" ? ("failure" as const) : event.status === "accepted" ? ("success" as const) : ("neutral" as const),
      details: [`${event.type} ${event.webhookId}`, event.status && `status ${event.status}`, event.reason && `reason ${event.reason}`, `outcome ${event.outcome}`, event.occurredAt && `occurred ${event.occurredAt.toISOString()}`].filter(
        (part): part is string => Boolean(part),
      ),
      responseExcerpt: null,
      sortAt: event.receivedAt.getTime(),
      order: 1,
    })),
    ...audits.map((row) => {
      const details = (row.details as Record<string, unknown> | null) ?? null;
      const kind: TimelineKind = row.action.startsWith("intervention.") ? "trigger" : row.actorType === "system" && OUTCOME_ACTIONS.has(row.action) ? "outcome" : "staff_action";
      return {
        key: `audit-${row.id}`,
        kind,
        at: toIsoOrNull(row.at)!,
        text: auditText(row.action, details, locale),
        by: row.actorType === "system" ? triggerText("automatic", "system", locale) : row.actorLabel,
        tone: row.action === "publication.published" ? ("success" as const) : FAILURE_ACTIONS.has(row.action) ? ("failure" as const) : ("neutral" as const),
        details: [row.action, ...(details ? Object.entries(details).map(([name, value]) => `${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`) : [])],
        responseExcerpt: null,
        sortAt: row.at.getTime(),
        // In one transaction an outcome is recorded after the exchange that led to it: shown above it.
        order: 3,
      };
    }),
  ];

  entries.sort((a, b) => b.sortAt - a.sortAt || b.order - a.order);
  return {
    entries: entries.slice(0, limit).map((entry) => ({
      key: entry.key,
      kind: entry.kind,
      at: entry.at,
      text: entry.text,
      by: entry.by,
      tone: entry.tone,
      details: entry.details,
      responseExcerpt: entry.responseExcerpt,
    })),
    truncated: entries.length > limit,
  };
}

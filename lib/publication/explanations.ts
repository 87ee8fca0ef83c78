import type { Publication } from "@/db/schema";
import { translator } from "@/lib/i18n/catalogue";
import type { Locale } from "@/lib/i18n/locales";
import { isRejected, syncStateOf } from "./status";

/**
 * What staff read about a publication: one sentence saying where it stands and what happens next
 * (always in the future tense for what is still to come), and the catalogue that turns every code
 * the pipeline records (local validation, Symphonics problem codes, transport failures, rejection
 * reasons) into a sentence a person can act on. The same words on the page, the list and
 * `GET …/sync-status`. Plain functions, no database and no React: the read models gather the facts.
 */

/**
 * A sentence with its times. `text` writes them as ISO 8601 (for programs and the API);
 * `template` holds `{t0}`, `{t1}`… where the page writes `times` in the reader's own zone.
 */
export interface Explanation {
  code: ExplanationCode;
  text: string;
  template: string;
  times: Record<string, string>;
}

export type ExplanationCode =
  | "published"
  | "resolved"
  | "cancelled"
  | "not_ready"
  | "rejected"
  | "needs_review"
  | "gave_up"
  | "sending"
  | "no_worker"
  | "circuit_open"
  | "rate_limited"
  | "retry_scheduled"
  | "postponed"
  | "queued";

type Words = ReturnType<typeof translator<"explanations">>;
const wordsByLocale = new Map<Locale, Words>();
/** The catalogue's `explanations`, one translator per language for the process's life. */
function wordsFor(locale: Locale): Words {
  let words = wordsByLocale.get(locale);
  if (!words) wordsByLocale.set(locale, (words = translator(locale, "explanations")));
  return words;
}
type Key = Parameters<Words>[0];

/**
 * A catalogue sentence whose Date values are its times: written as ISO 8601 in `text`, as
 * `{t0}`, `{t1}`… in `template` (ICU inserts values as they are, never reading them again).
 */
function say(code: ExplanationCode, locale: Locale, key: Key, values: Record<string, string | number | Date> = {}): Explanation {
  const times: Record<string, string> = {};
  const asText: Record<string, string | number> = {};
  const asTemplate: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value instanceof Date) {
      const slot = `t${Object.keys(times).length}`;
      times[slot] = value.toISOString();
      asText[name] = times[slot];
      asTemplate[name] = `{${slot}}`;
    } else asText[name] = asTemplate[name] = value;
  }
  const words = wordsFor(locale);
  return { code, text: words(key, asText), template: words(key, asTemplate), times };
}

/** "24 h", "90 min", "45 s": a span as staff say it, in their language's digits. */
export function spanText(ms: number, locale: Locale = "en"): string {
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, useGrouping: false });
  if (ms >= 3_600_000) return `${number.format(ms / 3_600_000)} h`;
  if (ms >= 60_000) return `${number.format(Math.round(ms / 60_000))} min`;
  return `${number.format(Math.max(1, Math.round(ms / 1000)))} s`;
}

/** Why Symphonics rejected a dossier (the webhook's `data.reason`), and what a person does about it. */
const REJECTION_REASONS = new Set(["document_unreachable", "photo_unreachable", "incomplete_file", "duplicate_installation", "other"]);

export function rejectionText(reason: string | null, locale: Locale = "en"): string {
  const words = wordsFor(locale);
  const known = reason ?? "other";
  return REJECTION_REASONS.has(known) ? words(`rejectionReasons.${known}` as Key) : words("rejectionReasons.unknown", { reason: known });
}

/**
 * Every code a failed exchange or a publication records (lib/publication/publish.ts stores the
 * Symphonics problem code, else `http_<status>`, else the outcome's kind): the catalogue's
 * `explanations.problems`, from local checks before anything is sent, through Symphonics'
 * problem codes (API §2), to transport failures and answers without a problem code.
 */
const PROBLEM_CODES = new Set([
  "invalid_data",
  "dossier_rejected",
  "validation_failed",
  "malformed_request",
  "invalid_token",
  "invalid_client",
  "forbidden",
  "not_found",
  "dossier_exists",
  "idempotency_key_in_use",
  "idempotency_key_reused",
  "payload_too_large",
  "rate_limited",
  "internal_error",
  "maintenance",
  "ambiguous",
  "retryable",
  "authentication",
  "circuit_open",
  "not_retryable",
]);

/** A recorded code (with its HTTP status when it has no code of its own) in words. */
export function problemText(code: string | null, httpStatus?: number | null, locale: Locale = "en"): string {
  const words = wordsFor(locale);
  if (code && PROBLEM_CODES.has(code)) return words(`problems.${code}` as Key);
  const status = httpStatus ?? Number(/^http_(\d{3})$/.exec(code ?? "")?.[1] ?? NaN);
  if (status === 502 || status === 504) return words("http.gateway", { status: String(status) });
  if (status >= 500) return words("http.server", { status: String(status) });
  if (status === 429) return words("problems.rate_limited");
  if (status >= 400) return code && !code.startsWith("http_") ? words("http.refusedWithCode", { status: String(status), code }) : words("http.refused", { status: String(status) });
  return code ? words("http.answered", { code }) : words("http.unexplained");
}

/** A sentence that promises an automatic retry, without the promise (the budget is spent). */
function withoutRetryPromise(text: string, locale: Locale): string {
  const promise = wordsFor(locale)("retriedSuffix");
  return text.endsWith(promise) ? `${text.slice(0, -promise.length)}.` : text;
}

/** One recorded exchange in words, "gave up" for the last of a spent budget. */
export function attemptText(attempt: { outcome: string; problemCode: string | null; httpStatus: number | null }, gaveUp: boolean, locale: Locale = "en"): string {
  const words = wordsFor(locale);
  const what =
    attempt.outcome === "success" || attempt.outcome === "success_replayed"
      ? words(`attempts.${attempt.outcome}`)
      : attempt.outcome === "exists"
        ? words("problems.dossier_exists")
        : problemText(attempt.problemCode ?? (attempt.httpStatus ? null : attempt.outcome), attempt.httpStatus, locale);
  return gaveUp ? words("attempts.gaveUp", { what: withoutRetryPromise(what, locale) }) : what;
}

/** Who or what made an attempt, as staff say it. */
export function triggerText(trigger: "automatic" | "manual" | "retry", triggeredBy: string, locale: Locale = "en"): string {
  const words = wordsFor(locale);
  if (trigger === "retry") return words("triggers.retry");
  if (trigger === "manual") return words("triggers.manual", { by: triggeredBy });
  return triggeredBy === "system" ? words("triggers.automatic") : words("triggers.automaticAfter", { by: triggeredBy });
}

/** Why Retry now cannot be used on a publication at the moment, or null when it can. */
export function retryBlocker(publication: Pick<Publication, "status" | "dossierStatus" | "nextAttemptAt">, now: Date, locale: Locale = "en"): string | null {
  const words = wordsFor(locale);
  if (isRejected(publication)) return words("blockers.rejected");
  if (publication.status === "in_progress") return words("blockers.inProgress");
  if (publication.status === "queued" && (!publication.nextAttemptAt || publication.nextAttemptAt <= now)) return words("blockers.queued");
  if (publication.status === "published" || publication.status === "resolved") return words("blockers.published");
  if (publication.status === "needs_review") return words("blockers.needsReview");
  return null;
}

/** Why the publish endpoint refused a request (its problem code and field messages), for a bulk action's result. */
export function refusalText(code: string | undefined, fieldMessages: readonly string[], detail: string | undefined, locale: Locale = "en"): string {
  const words = wordsFor(locale);
  switch (code) {
    case "already_published":
    case "publication_in_progress":
    case "forbidden_transition":
    case "forbidden":
    case "not_found":
      return words(`refusals.${code}`);
    case "validation_failed":
      return fieldMessages.length ? words("refusals.validationFields", { messages: fieldMessages.join(" ") }) : words("refusals.validation_failed");
    default:
      return detail ?? words("refusals.failed");
  }
}

/** Why Publish now waits for the data to be corrected. */
export const dataProblemsBlocker = (locale: Locale = "en") => wordsFor(locale)("blockers.dataProblems");

/** What a bulk retry says of a publication it queued. */
export const retryQueuedText = (locale: Locale = "en") => wordsFor(locale)("refusals.queued");

/** What the read models gather about the pipeline, once per request. */
export interface PipelineConditions {
  now: Date;
  workersAlive: number;
  circuit: { state: string; consecutiveFailures: number; openedAt: Date | null; probeAt: Date | null } | null;
  rateLimitedUntil: Date | null;
  /** The retry budget (PUBLISH_RETRY_BUDGET_SECONDS), in ms. */
  retryBudgetMs: number;
  /** The reader's language (English when unsaid, as programs get it). */
  locale?: Locale;
}

export type ExplainedPublication = Pick<
  Publication,
  | "status"
  | "dossierId"
  | "dossierStatus"
  | "rejectionReason"
  | "attemptCount"
  | "consecutiveFailures"
  | "lastErrorCode"
  | "lastErrorAt"
  | "nextAttemptAt"
  | "firstFailureAt"
  | "publishedAt"
  | "resolvedAt"
  | "resolvedBy"
  | "problems"
>;

/**
 * Where a publication stands and what happens next, in one sentence. `notReadyReasons` are the
 * eligibility checks' sentences (lib/publication/eligibility.ts), for a publication not ready.
 */
export function explainPublication(
  publication: ExplainedPublication,
  intervention: { status: string; notReadyReasons?: readonly string[] },
  conditions: PipelineConditions,
): Explanation {
  const { now } = conditions;
  const locale = conditions.locale ?? "en";
  const words = wordsFor(locale);
  const dossier = publication.dossierId ?? "?";
  const state = syncStateOf(publication.status, intervention.status);
  switch (state) {
    case "published":
      return publication.dossierStatus
        ? say("published", locale, "sentences.publishedWithStatus", { at: publication.publishedAt ?? now, dossier, status: words(`dossier.${publication.dossierStatus}`) })
        : say("published", locale, "sentences.published", { at: publication.publishedAt ?? now, dossier });
    case "resolved":
      return say("resolved", locale, "sentences.resolved", { dossier, by: publication.resolvedBy ?? words("sentences.aPerson"), at: publication.resolvedAt ?? now });
    case "cancelled":
      return say("cancelled", locale, "sentences.cancelled");
    case "not_ready":
      return intervention.notReadyReasons?.length
        ? say("not_ready", locale, "sentences.notReadyReasons", { reasons: intervention.notReadyReasons.join(" ") })
        : say("not_ready", locale, "sentences.notReady");
    case "needs_review": {
      if (isRejected(publication)) return say("rejected", locale, "sentences.rejected", { dossier, reason: rejectionText(publication.rejectionReason, locale) });
      const count = publication.problems?.length ?? 0;
      const listed = count ? words("sentences.problemsListed", { count }) : "";
      return say("needs_review", locale, publication.lastErrorCode === "validation_failed" ? "sentences.needsReviewSymphonics" : "sentences.needsReviewData", { listed });
    }
    case "in_progress":
      return say("sending", locale, "sentences.sending");
    case "failed": {
      const spent = publication.firstFailureAt && publication.lastErrorAt ? publication.lastErrorAt.getTime() - publication.firstFailureAt.getTime() : conditions.retryBudgetMs;
      return say("gave_up", locale, "sentences.gaveUp", {
        spent: spanText(spent, locale),
        count: publication.attemptCount,
        problem: withoutRetryPromise(problemText(publication.lastErrorCode, null, locale), locale),
        budget: spanText(conditions.retryBudgetMs, locale),
      });
    }
    case "queued":
    case "retrying":
      return explainWaiting(publication, conditions, locale);
  }
}

/** Queued or retrying: what holds it, first what holds everyone. */
function explainWaiting(publication: ExplainedPublication, conditions: PipelineConditions, locale: Locale): Explanation {
  const { now, circuit } = conditions;
  if (conditions.workersAlive === 0) return say("no_worker", locale, "sentences.noWorker");
  if (circuit && circuit.state !== "closed") {
    const since = circuit.openedAt
      ? say("circuit_open", locale, "sentences.circuitSince", { at: circuit.openedAt, count: circuit.consecutiveFailures })
      : say("circuit_open", locale, "sentences.circuitPaused");
    const next =
      circuit.state === "half_open"
        ? say("circuit_open", locale, "sentences.circuitHalfOpen")
        : circuit.probeAt && circuit.probeAt > now
          ? say("circuit_open", locale, "sentences.circuitProbeAt", { at: circuit.probeAt })
          : say("circuit_open", locale, "sentences.circuitProbeDue");
    return join(since, next);
  }
  if (conditions.rateLimitedUntil && conditions.rateLimitedUntil > now) return say("rate_limited", locale, "sentences.rateLimited", { at: conditions.rateLimitedUntil });
  const next = publication.nextAttemptAt;
  if (publication.status === "retrying" && next) {
    const stop = publication.firstFailureAt ? new Date(publication.firstFailureAt.getTime() + conditions.retryBudgetMs) : null;
    const base = say("retry_scheduled", locale, "sentences.retryScheduled", { at: next > now ? next : now, attempt: String(publication.attemptCount + 1) });
    return join(base, stop ? say("retry_scheduled", locale, "sentences.retryStops", { at: stop }) : say("retry_scheduled", locale, "sentences.retryEnd"));
  }
  if (next && next > now) return say("postponed", locale, "sentences.postponed", { at: next });
  return say("queued", locale, "sentences.queued");
}

/** Two parts of one sentence, their times renumbered. */
function join(first: Explanation, second: Explanation): Explanation {
  const offset = Object.keys(first.times).length;
  const times = { ...first.times };
  let template = second.template;
  for (const [name, value] of Object.entries(second.times)) {
    const renamed = `t${offset + Number(name.slice(1))}`;
    times[renamed] = value;
    template = template.replace(`{${name}}`, `{${renamed}}`);
  }
  return { code: first.code, text: first.text + second.text, template: first.template + template, times };
}

/** One notification Symphonics sent, in words: what it said and what this product did with it. */
export function webhookText(event: { type: string; status: string | null; reason: string | null; outcome: string }, locale: Locale = "en"): string {
  const words = wordsFor(locale);
  const said = event.status && words.has(`dossier.${event.status}` as Key) ? words("webhooks.said", { status: words(`dossier.${event.status}` as Key) }) : words("webhooks.sent", { type: event.type });
  const reason = event.reason ? ` ${rejectionText(event.reason, locale)}` : "";
  // How this product took it (the catalogue's `webhooks.outcomes`).
  const outcome = words.has(`webhooks.outcomes.${event.outcome}` as Key) ? words(`webhooks.outcomes.${event.outcome}` as Key) : words("webhooks.outcomes.other", { outcome: event.outcome });
  return `${said}${reason} ${outcome}`;
}

/**
 * What an audit row of an intervention records (lib/audit.ts: the workforce application's
 * changes, the pipeline's outcomes, staff actions), in words. `details` is the row's own.
 */
export function auditText(action: string, details: Record<string, unknown> | null, locale: Locale = "en"): string {
  const words = wordsFor(locale);
  const status = (value: unknown) => (words.has(`audit.statuses.${String(value)}` as Key) ? words(`audit.statuses.${String(value)}` as Key) : String(value));
  const d = details ?? {};
  switch (action) {
    case "intervention.created":
      return words("audit.created", { status: status(d.status) });
    case "intervention.replaced":
      return d.from === d.to ? words("audit.replacedSame", { status: status(d.to) }) : words("audit.replaced", { from: status(d.from), to: status(d.to) });
    case "intervention.patched": {
      const parts = [
        d.from !== undefined && words("audit.patchStatus", { from: status(d.from), to: status(d.to) }),
        d.contractSigned === true && words("audit.patchContractSigned"),
        d.contractSigned === false && words("audit.patchContractUnsigned"),
        Array.isArray(d.documentsSigned) && words("audit.patchDocumentsSigned", { count: d.documentsSigned.length }),
      ].filter((part): part is string => typeof part === "string");
      return parts.length ? words("audit.patched", { changes: new Intl.ListFormat(locale, { type: "unit" }).format(parts) }) : words("audit.patchedNothing");
    }
    case "publication.requested":
      return d.scheduledFor ? words("audit.requestedDuringRetry") : words("audit.requested");
    case "publication.published":
      return d.adopted ? words("audit.publishedAdopted", { dossier: String(d.dossierId) }) : words("audit.published", { dossier: String(d.dossierId) });
    case "publication.needs_review":
      return words("audit.needsReview", { problem: problemText(typeof d.code === "string" ? d.code : null, null, locale) });
    case "publication.failed":
      return words("audit.failed", { count: Number(d.attempts ?? 0) });
    case "publication.rejected":
      return words(d.source === "reconciliation" ? "audit.rejectedFoundByLookup" : "audit.rejected", { dossier: String(d.dossierId), reason: rejectionText(typeof d.reason === "string" ? d.reason : null, locale) });
    case "publication.dossier_not_found":
      return words("audit.dossierNotFound", { dossier: String(d.dossierId) });
    case "publication.files_checked":
      return Number(d.failed ?? 0) === 0 ? words("audit.filesAllOk", { count: Number(d.checked ?? 0) }) : words("audit.filesFailed", { failed: Number(d.failed), count: Number(d.checked ?? 0) });
    case "publication.resolved":
      return words("audit.resolved", { note: String(d.note ?? "") });
    case "alert.acknowledged":
      return words("audit.alertAcknowledged");
    case "beneficiary.exported":
      return words("audit.exported");
    case "beneficiary.erased":
      return words("audit.erased");
    default:
      return words("audit.other", { action });
  }
}

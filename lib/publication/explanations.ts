import type { DossierStatus, Publication } from "@/db/schema";
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

/** say("code")`… ${date} …`: a sentence whose Date values are its times. */
const say = (code: ExplanationCode) => (strings: TemplateStringsArray, ...values: (string | number | Date)[]): Explanation => {
  const times: Record<string, string> = {};
  let text = strings[0]!;
  let template = strings[0]!;
  values.forEach((value, index) => {
    if (value instanceof Date) {
      const name = `t${Object.keys(times).length}`;
      times[name] = value.toISOString();
      text += times[name];
      template += `{${name}}`;
    } else {
      text += String(value);
      template += String(value);
    }
    text += strings[index + 1]!;
    template += strings[index + 1]!;
  });
  return { code, text, template, times };
};

/** "24 h", "90 min", "45 s": a span as staff say it. */
export function spanText(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.max(1, Math.round(ms / 1000))} s`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Why Symphonics rejected a dossier (the webhook's `data.reason`), and what a person does about it. */
const REJECTION_REASONS: Record<string, string> = {
  document_unreachable: "Symphonics could not download one of the documents.",
  photo_unreachable: "Symphonics could not download one of the photos.",
  incomplete_file: "Symphonics found the file incomplete (a document or photo it needs is missing).",
  duplicate_installation: "Symphonics considers this installation a duplicate of another dossier.",
  other: "Symphonics rejected the dossier without a more precise reason.",
};

export function rejectionText(reason: string | null): string {
  return REJECTION_REASONS[reason ?? "other"] ?? `${REJECTION_REASONS.other!} (reason given: ${reason})`;
}

/**
 * Every code a failed exchange or a publication records (lib/publication/publish.ts stores the
 * Symphonics problem code, else `http_<status>`, else the outcome's kind) in words.
 */
const PROBLEMS: Record<string, string> = {
  // Local checks, before anything is sent.
  invalid_data: "The intervention's data must be corrected in the workforce application (see the problems listed).",
  dossier_rejected: "Symphonics rejected the dossier after receiving it.",
  // Symphonics problem codes (API §2).
  validation_failed: "Symphonics refused some values: correct them in the workforce application, which sends it again by itself.",
  malformed_request: "Symphonics could not read our request: a fault in this product, to report to the IT team.",
  invalid_token: "Symphonics refused our access token: a new one is fetched and the call retried.",
  invalid_client: "Symphonics refuses our client credentials: an administrator must check SYMPHONICS_CLIENT_ID and SYMPHONICS_CLIENT_SECRET.",
  forbidden: "Symphonics refuses our client this operation (a missing scope): ask Symphonics to grant it.",
  not_found: "Symphonics does not know this dossier.",
  dossier_exists: "Symphonics already had a dossier under this reference: it was adopted rather than created twice.",
  idempotency_key_in_use: "Symphonics was still processing the same request: it is retried shortly.",
  idempotency_key_reused: "Symphonics refused a repeated request whose content had changed: retry it, and report it to the IT team if it persists.",
  payload_too_large: "The dossier is larger than Symphonics accepts (1 MiB): it must carry fewer documents or photos.",
  rate_limited: "Symphonics asked us to slow down (rate limit): it is sent again after the wait it asked for.",
  internal_error: "Symphonics had an internal error: it is retried automatically.",
  maintenance: "Symphonics was under maintenance: it is retried automatically once Symphonics is back.",
  // Transport failures and answers without a problem code.
  ambiguous: "No complete answer came from Symphonics (a timeout or a cut connection): it is sent again with the same request key, which cannot create a second dossier.",
  retryable: "Symphonics could not be reached (connection refused, name or TLS failure): it is retried automatically.",
  authentication: "Symphonics refused our credentials: an administrator must check SYMPHONICS_CLIENT_ID and SYMPHONICS_CLIENT_SECRET.",
  circuit_open: "Calls to Symphonics were paused after repeated failures: it waits for the next trial call.",
  not_retryable: "Symphonics refused the dossier: correct the data in the workforce application.",
};

/** A recorded code (with its HTTP status when it has no code of its own) in words. */
export function problemText(code: string | null, httpStatus?: number | null): string {
  if (code && PROBLEMS[code]) return PROBLEMS[code];
  const status = httpStatus ?? Number(/^http_(\d{3})$/.exec(code ?? "")?.[1] ?? NaN);
  if (status === 502 || status === 504) return `Symphonics' gateway did not reach its servers (HTTP ${status}): it is retried automatically.`;
  if (status >= 500) return `Symphonics had a server error (HTTP ${status}): it is retried automatically.`;
  if (status === 429) return PROBLEMS.rate_limited!;
  if (status >= 400) return `Symphonics refused the request (HTTP ${status}${code && !code.startsWith("http_") ? `, ${code}` : ""}): see the details.`;
  return code ? `Symphonics answered ${code}: see the details.` : "An unexplained failure: see the details.";
}

/** One recorded exchange in words, "gave up" for the last of a spent budget. */
export function attemptText(attempt: { outcome: string; problemCode: string | null; httpStatus: number | null }, gaveUp: boolean): string {
  const what =
    attempt.outcome === "success"
      ? "Symphonics created the dossier."
      : attempt.outcome === "success_replayed"
        ? "Symphonics confirmed the dossier it had already created for this same request."
        : attempt.outcome === "exists"
          ? PROBLEMS.dossier_exists!
          : problemText(attempt.problemCode ?? (attempt.httpStatus ? null : attempt.outcome), attempt.httpStatus);
  return gaveUp ? `Gave up: the automatic retries are spent. ${what.replace(/: it is retried automatically\.$/, ".")}` : what;
}

/** Who or what made an attempt, as staff say it. */
export function triggerText(trigger: "automatic" | "manual" | "retry", triggeredBy: string): string {
  if (trigger === "retry") return "Automatic retry";
  if (trigger === "manual") return `${triggeredBy} (Publish/Retry now)`;
  return triggeredBy === "system" ? "Automatic" : `Automatic, after a change by ${triggeredBy}`;
}

/** Why Retry now cannot be used on a publication at the moment, or null when it can. */
export function retryBlocker(publication: Pick<Publication, "status" | "dossierStatus" | "nextAttemptAt">, now: Date): string | null {
  if (isRejected(publication)) return "Symphonics rejected this dossier, and it cannot be sent again under the same reference: check its files, settle it with Symphonics, then mark it resolved.";
  if (publication.status === "in_progress") return "A worker is sending it to Symphonics right now.";
  if (publication.status === "queued" && (!publication.nextAttemptAt || publication.nextAttemptAt <= now)) return "It is already queued to be sent now.";
  if (publication.status === "published" || publication.status === "resolved") return "It is already published to Symphonics: there is nothing to retry.";
  if (publication.status === "needs_review") return "Its data must be corrected first, in the workforce application (which then sends it by itself).";
  return null;
}

/** Why the publish endpoint refused a request (its problem code and field messages), for a bulk action's result. */
export function refusalText(code: string | undefined, fieldMessages: readonly string[], detail: string | undefined): string {
  switch (code) {
    case "already_published":
      return "Already published to Symphonics: there is nothing to retry.";
    case "publication_in_progress":
      return "Already on its way: a worker is sending it, or it is queued to go now.";
    case "forbidden_transition":
      return "Symphonics rejected its dossier, which cannot be sent again: open it to check the files and mark it resolved.";
    case "validation_failed":
      return fieldMessages.length ? `Not possible yet: ${fieldMessages.join(" ")}` : "Not possible yet: its data must be corrected first.";
    case "forbidden":
      return "Your role cannot retry publications (operators and administrators can).";
    case "not_found":
      return "This intervention no longer exists.";
    default:
      return detail ?? "The request failed: try again, and report it to the IT team if it persists.";
  }
}

const DOSSIER_WORDS: Record<DossierStatus, string> = {
  received: "Symphonics has received it and will check it",
  processing: "Symphonics is checking it",
  accepted: "Symphonics accepted it",
  rejected: "Symphonics rejected it",
};

/** What the read models gather about the pipeline, once per request. */
export interface PipelineConditions {
  now: Date;
  workersAlive: number;
  circuit: { state: string; consecutiveFailures: number; openedAt: Date | null; probeAt: Date | null } | null;
  rateLimitedUntil: Date | null;
  /** The retry budget (PUBLISH_RETRY_BUDGET_SECONDS), in ms. */
  retryBudgetMs: number;
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
  const state = syncStateOf(publication.status, intervention.status);
  switch (state) {
    case "published":
      return say("published")`Published to Symphonics on ${publication.publishedAt ?? now} as dossier ${publication.dossierId ?? "?"}${publication.dossierStatus ? `; ${DOSSIER_WORDS[publication.dossierStatus]}` : ""}.`;
    case "resolved":
      return say("resolved")`Symphonics rejected dossier ${publication.dossierId ?? "?"}; ${publication.resolvedBy ?? "a person"} marked it resolved on ${publication.resolvedAt ?? now}: it is not sent again.`;
    case "cancelled":
      return say("cancelled")`The intervention was cancelled: it will never be sent to Symphonics.`;
    case "not_ready":
      return intervention.notReadyReasons?.length
        ? say("not_ready")`Not sent yet, waiting for the workforce application: ${intervention.notReadyReasons.join(" ")} It will be sent by itself once this changes.`
        : say("not_ready")`Not sent yet: it waits for the installation, the contract or a signature in the workforce application, and will be sent by itself once they are there.`;
    case "needs_review": {
      if (isRejected(publication)) {
        return say("rejected")`Symphonics rejected dossier ${publication.dossierId ?? "?"}: ${rejectionText(publication.rejectionReason)} It cannot be sent again under the same reference: check the files, settle it with Symphonics, then mark it resolved.`;
      }
      const count = publication.problems?.length ?? 0;
      const listed = count ? ` (${plural(count, "problem")} listed)` : "";
      return publication.lastErrorCode === "validation_failed"
        ? say("needs_review")`Symphonics refused some values${listed}: correct them in the workforce application, which sends it again by itself.`
        : say("needs_review")`The data must be corrected in the workforce application${listed}; the correction sends it again by itself.`;
    }
    case "failed": {
      const spent = publication.firstFailureAt && publication.lastErrorAt ? publication.lastErrorAt.getTime() - publication.firstFailureAt.getTime() : conditions.retryBudgetMs;
      return say("gave_up")`Gave up after ${spanText(spent)} and ${plural(publication.attemptCount, "attempt")}: ${problemText(publication.lastErrorCode).replace(/: it is retried automatically\.$/, ".")} Retry now sends it again, with a fresh ${spanText(conditions.retryBudgetMs)} of automatic retries.`;
    }
    case "in_progress":
      return say("sending")`A worker is sending it to Symphonics right now.`;
    case "queued":
    case "retrying":
      return explainWaiting(publication, conditions);
  }
}

/** Queued or retrying: what holds it, first what holds everyone. */
function explainWaiting(publication: ExplainedPublication, conditions: PipelineConditions): Explanation {
  const { now, circuit } = conditions;
  if (conditions.workersAlive === 0) return say("no_worker")`No worker is running: nothing will be sent until one starts.`;
  if (circuit && circuit.state !== "closed") {
    const since = circuit.openedAt ? say("circuit_open")`Calls to Symphonics are paused since ${circuit.openedAt} after ${plural(circuit.consecutiveFailures, "failure")} in a row` : say("circuit_open")`Calls to Symphonics are paused after repeated failures`;
    const next =
      circuit.state === "half_open"
        ? say("circuit_open")`; a trial call is under way, and the rest follows once it succeeds.`
        : circuit.probeAt && circuit.probeAt > now
          ? say("circuit_open")`; the next trial call is at ${circuit.probeAt}.`
          : say("circuit_open")`; the next trial call is due now.`;
    return join(since, next);
  }
  if (conditions.rateLimitedUntil && conditions.rateLimitedUntil > now) return say("rate_limited")`Symphonics asked us to wait until ${conditions.rateLimitedUntil} (rate limit).`;
  const next = publication.nextAttemptAt;
  if (publication.status === "retrying" && next) {
    const stop = publication.firstFailureAt ? new Date(publication.firstFailureAt.getTime() + conditions.retryBudgetMs) : null;
    const base = say("retry_scheduled")`Next automatic attempt at ${next > now ? next : now} (attempt ${publication.attemptCount + 1}`;
    return join(base, stop ? say("retry_scheduled")`; retries stop on ${stop}).` : say("retry_scheduled")`).`);
  }
  if (next && next > now) return say("postponed")`Postponed: the next attempt is at ${next}.`;
  return say("queued")`Queued: a worker will send it within seconds.`;
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

/** How a notification from Symphonics was taken, in words. */
const WEBHOOK_OUTCOMES: Record<string, string> = {
  applied: "Applied.",
  stale: "Older than what we knew: kept, not applied.",
  unknown_type: "A kind of notification this product ignores.",
  unknown_dossier: "About a dossier this product does not know.",
  duplicate: "Already received.",
};

/** One notification Symphonics sent, in words: what it said and what this product did with it. */
export function webhookText(event: { type: string; status: string | null; reason: string | null; outcome: string }): string {
  const said = event.status && event.status in DOSSIER_WORDS ? `${DOSSIER_WORDS[event.status as DossierStatus]}.` : `Symphonics sent a ${event.type} notification.`;
  const reason = event.reason ? ` ${rejectionText(event.reason)}` : "";
  return `${said}${reason} ${WEBHOOK_OUTCOMES[event.outcome] ?? `Taken as ${event.outcome}.`}`;
}

const INTERVENTION_WORDS: Record<string, string> = {
  scheduled: "scheduled",
  in_progress: "in progress",
  installation_done: "installation done",
  published: "published",
  cancelled: "cancelled",
};
const statusWords = (status: unknown) => INTERVENTION_WORDS[String(status)] ?? String(status);

/**
 * What an audit row of an intervention records (lib/audit.ts: the workforce application's
 * changes, the pipeline's outcomes, staff actions), in words. `details` is the row's own.
 */
export function auditText(action: string, details: Record<string, unknown> | null): string {
  const d = details ?? {};
  switch (action) {
    case "intervention.created":
      return `The intervention was created (${statusWords(d.status)}).`;
    case "intervention.replaced":
      return d.from === d.to ? `The intervention's data was replaced (still ${statusWords(d.to)}).` : `The intervention's data was replaced: ${statusWords(d.from)} → ${statusWords(d.to)}.`;
    case "intervention.patched": {
      const parts = [
        d.from !== undefined && `status ${statusWords(d.from)} → ${statusWords(d.to)}`,
        d.contractSigned === true && "the contract signed",
        d.contractSigned === false && "the contract signature removed",
        Array.isArray(d.documentsSigned) && `${plural(d.documentsSigned.length, "document")} signed`,
      ].filter(Boolean);
      return parts.length ? `The intervention changed: ${parts.join(", ")}.` : "The intervention changed.";
    }
    case "publication.requested":
      return d.scheduledFor ? "Publish/Retry now was asked for during a scheduled retry: it is sent at once." : "Publish/Retry now was asked for.";
    case "publication.published":
      return d.adopted ? `Published: Symphonics already had dossier ${String(d.dossierId)} under this reference, which was adopted.` : `Published: Symphonics holds dossier ${String(d.dossierId)}.`;
    case "publication.needs_review":
      return `Needs review: ${problemText(typeof d.code === "string" ? d.code : null)}`;
    case "publication.failed":
      return `Gave up after ${plural(Number(d.attempts ?? 0), "failed attempt")} in a row: a person must act.`;
    case "publication.rejected":
      return `Symphonics rejected dossier ${String(d.dossierId)}${d.source === "reconciliation" ? " (found when we looked it up)" : ""}: ${rejectionText(typeof d.reason === "string" ? d.reason : null)}`;
    case "publication.dossier_not_found":
      return `Symphonics no longer knows dossier ${String(d.dossierId)}: check with Symphonics before anything else.`;
    case "publication.files_checked":
      return Number(d.failed ?? 0) === 0
        ? `The files were checked: all ${plural(Number(d.checked ?? 0), "file")} download.`
        : `The files were checked: ${Number(d.failed)} of ${plural(Number(d.checked ?? 0), "file")} did not download.`;
    case "publication.resolved":
      return `Marked resolved: ${String(d.note ?? "")}`;
    case "alert.acknowledged":
      return "An alert about it was acknowledged.";
    case "beneficiary.exported":
      return "The beneficiary's data was exported.";
    case "beneficiary.erased":
      return "The beneficiary's personal data was erased.";
    default:
      return `Recorded: ${action}.`;
  }
}

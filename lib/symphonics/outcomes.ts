/**
 * What one call to Symphonics came to, in terms the publication pipeline acts on. The client
 * never throws for network or HTTP trouble: every answer, or the lack of one, is an outcome.
 */

/** The HTTP exchanges the attempt log distinguishes. */
export type Operation = "token" | "create_dossier" | "add_photos" | "lookup_dossier" | "get_dossier";

/** RateLimit-* headers of a `/v1` answer (§2). */
export interface RateLimitState {
  limit: number | null;
  remaining: number | null;
  resetSeconds: number | null;
}

/** One `errors[]` entry of a 422 problem. */
export interface RemoteFieldError {
  field: string;
  code: string | null;
  message: string;
}

/** Facts the attempt log records of every exchange. Never holds a token or a secret. */
export interface AttemptFacts {
  operation: Operation;
  startedAt: Date;
  durationMs: number;
  /** null when no answer came (connection refused, timeout, connection lost). */
  httpStatus: number | null;
  /** The problem's `code` (or the OAuth `error`), when the answer had one. */
  problemCode: string | null;
  /** For people: what happened and what it means. */
  message: string;
  /** The start of the answer's body, at most ~2 KB, with tokens and secrets masked. */
  responseExcerpt: string | null;
  idempotencyKey: string | null;
  rateLimit: RateLimitState | null;
  /** The answer's Retry-After in milliseconds from its arrival; null when it had none. */
  retryAfterMs: number | null;
  /** `Idempotent-Replayed: true`: the stored outcome of an earlier request with this key. */
  replayed: boolean;
}

export type Outcome<T> =
  | (AttemptFacts & { kind: "success"; value: T })
  /** Transient: send again with the same idempotency key, after retryAfterMs when given. */
  | (AttemptFacts & { kind: "retryable"; retryAfterMs: number | null })
  /** Throttled: nothing may be sent before retryAfterMs. */
  | (AttemptFacts & { kind: "rate_limited"; retryAfterMs: number })
  /** Refused for good; for 422 validation_failed, `errors` says which fields. */
  | (AttemptFacts & { kind: "not_retryable"; errors: RemoteFieldError[] })
  /** The dossier was created earlier (by an attempt whose answer was lost): adopt it. */
  | (AttemptFacts & { kind: "dossier_exists"; dossierId: string })
  /**
   * configurationFault: the credentials or scopes are wrong, nothing will work until an
   * administrator fixes the configuration; otherwise a fresh token was refused as well.
   */
  | (AttemptFacts & { kind: "authentication"; configurationFault: boolean })
  /** No answer after the request left: it may have been processed. Same key, or look it up. */
  | (AttemptFacts & { kind: "ambiguous" });

export type OutcomeKind = Outcome<unknown>["kind"];
export type FailedOutcome = Exclude<Outcome<unknown>, { kind: "success" }>;

/** One row of the attempt log: an exchange's facts and how it ended. */
export type AttemptRecord = AttemptFacts & { outcome: OutcomeKind };

export type ExchangeObserver = (record: AttemptRecord) => void | Promise<void>;

export function attemptRecord(outcome: Outcome<unknown>): AttemptRecord {
  const { operation, startedAt, durationMs, httpStatus, problemCode, message, responseExcerpt, idempotencyKey, rateLimit, retryAfterMs, replayed } = outcome;
  return { operation, startedAt, durationMs, httpStatus, problemCode, message, responseExcerpt, idempotencyKey, rateLimit, retryAfterMs, replayed, outcome: outcome.kind };
}

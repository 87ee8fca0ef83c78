import type { z } from "zod";
import type { AttemptFacts, FailedOutcome, Operation, Outcome, RateLimitState } from "./outcomes";
import type { Redactor } from "./redaction";
import { problemSchema, type ProblemBody } from "./responses";
import type { Exchange } from "./transport";

/**
 * Turns an HTTP exchange into an outcome, following the error table of §2: what may be retried,
 * when, and what must not. Unknown 4xx are final, unknown 5xx transient, non-JSON bodies and
 * unknown fields tolerated.
 */
export interface ExchangeContext {
  operation: Operation;
  startedAt: Date;
  idempotencyKey: string | null;
  /** A POST: without an answer, Symphonics may have processed it. */
  writes: boolean;
  redactor: Redactor;
  now: () => number;
}

type Answer = Extract<Exchange, { kind: "answer" }>;
type NoAnswer = Extract<Exchange, { kind: "no_answer" }>;

/** §2: Retry-After is at least 1 second; also the wait assumed when a 429 omits it. */
const MIN_RETRY_AFTER_MS = 1000;

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds from now. */
export function retryAfterMs(header: string | undefined, now: number): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function headerNumber(value: string | undefined): number | null {
  return value !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : null;
}

function rateLimitOf(headers: Answer["headers"]): RateLimitState | null {
  const state = {
    limit: headerNumber(headers["ratelimit-limit"]),
    remaining: headerNumber(headers["ratelimit-remaining"]),
    resetSeconds: headerNumber(headers["ratelimit-reset"]),
  };
  return state.limit === null && state.remaining === null && state.resetSeconds === null ? null : state;
}

export function answerFacts(context: ExchangeContext, answer: Answer, problemCode: string | null, message: string): AttemptFacts {
  return {
    operation: context.operation,
    startedAt: context.startedAt,
    durationMs: answer.durationMs,
    httpStatus: answer.status,
    problemCode,
    message: context.redactor.apply(message),
    responseExcerpt: context.redactor.excerpt(answer.body),
    idempotencyKey: context.idempotencyKey,
    rateLimit: rateLimitOf(answer.headers),
    retryAfterMs: retryAfterMs(answer.headers["retry-after"], context.now()),
    replayed: answer.headers["idempotent-replayed"]?.trim().toLowerCase() === "true",
  };
}

export function classifyNoAnswer(context: ExchangeContext, failure: NoAnswer): FailedOutcome {
  const facts: AttemptFacts = {
    operation: context.operation,
    startedAt: context.startedAt,
    durationMs: failure.durationMs,
    httpStatus: null,
    problemCode: null,
    message: context.redactor.apply(failure.reason),
    responseExcerpt: null,
    idempotencyKey: context.idempotencyKey,
    rateLimit: null,
    retryAfterMs: null,
    replayed: false,
  };
  if (context.writes && failure.requestMayHaveArrived) {
    return {
      ...facts,
      kind: "ambiguous",
      message: `${facts.message} The request may have been processed: repeat it with the same idempotency key or look the dossier up.`,
    };
  }
  return { ...facts, kind: "retryable", retryAfterMs: null };
}

/** "422 validation_failed: Validation failed — 2 fields are invalid" */
function describe(answer: Answer, problem: ProblemBody | null): string {
  const words = [problem?.title, problem?.detail].filter(Boolean).join(" — ");
  const code = problem?.code ? ` ${problem.code}` : "";
  if (!problem && answer.status >= 500) return `${answer.status}: gateway or server trouble (the answer is not a problem document).`;
  return `${answer.status}${code}${words ? `: ${words}` : ""}`;
}

function isInvalidTokenAnswer(answer: Answer, problem: ProblemBody | null): boolean {
  const challenge = answer.headers["www-authenticate"] ?? "";
  return (/^\s*Bearer\b/i.test(challenge) && /\berror\s*=\s*"?invalid_token\b/i.test(challenge)) || problem?.code === "invalid_token";
}

/**
 * A `/v1` answer. `tokenRefused` tells the client to fetch a new token and repeat the call
 * once (§1); the outcome given with it is what stands if it does not.
 */
export function classifyV1Answer<T>(
  context: ExchangeContext,
  answer: Answer,
  successSchema: z.ZodType<T>,
): { outcome: Outcome<T>; tokenRefused: boolean } {
  const json = parseJson(answer.body);
  const status = answer.status;

  if (status >= 200 && status < 300) {
    const parsed = successSchema.safeParse(json);
    if (parsed.success) {
      return { outcome: { ...answerFacts(context, answer, null, `${status}`), kind: "success", value: parsed.data }, tokenRefused: false };
    }
    const facts = answerFacts(context, answer, null, `${status}, but the answer is not the expected document.`);
    // The call went through but its result is unreadable: as uncertain as no answer at all.
    const outcome: Outcome<T> = context.writes ? { ...facts, kind: "ambiguous" } : { ...facts, kind: "retryable", retryAfterMs: null };
    return { outcome, tokenRefused: false };
  }

  const parsedProblem = json !== undefined && typeof json === "object" ? problemSchema.safeParse(json) : null;
  const problem = parsedProblem?.success ? parsedProblem.data : null;
  const code = problem?.code ?? null;
  const facts = answerFacts(context, answer, code, describe(answer, problem));
  const retryAfter = facts.retryAfterMs;
  const final = (): Outcome<T> => ({
    ...facts,
    kind: "not_retryable",
    errors: (problem?.errors ?? []).map((error) => ({ field: context.redactor.apply(error.field), code: error.code ?? null, message: context.redactor.apply(error.message) })),
  });

  if (status === 401) {
    const tokenRefused = isInvalidTokenAnswer(answer, problem);
    const message = tokenRefused ? `${facts.message} (the access token expired or was revoked)` : facts.message;
    return { outcome: { ...facts, message, kind: "authentication", configurationFault: !tokenRefused }, tokenRefused };
  }
  if (status === 409 && code === "dossier_exists" && problem?.dossierId) {
    return { outcome: { ...facts, kind: "dossier_exists", dossierId: problem.dossierId }, tokenRefused: false };
  }
  if (status === 409 && code === "idempotency_key_in_use") {
    return { outcome: { ...facts, kind: "retryable", retryAfterMs: retryAfter }, tokenRefused: false };
  }
  if (status === 429) {
    return {
      outcome: { ...facts, kind: "rate_limited", retryAfterMs: Math.max(retryAfter ?? MIN_RETRY_AFTER_MS, MIN_RETRY_AFTER_MS) },
      tokenRefused: false,
    };
  }
  if (status >= 500 && status < 600) {
    return { outcome: { ...facts, kind: "retryable", retryAfterMs: retryAfter }, tokenRefused: false };
  }
  // 400, 403, 404, 413, 422 and any other answer (unknown 4xx, redirects) are final.
  return { outcome: final(), tokenRefused: false };
}

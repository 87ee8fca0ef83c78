/**
 * When to try a failed publication again. Pure: the clock and the random source are passed in,
 * so tests can pin them.
 */
export interface RetrySettings {
  /** The first retry waits about this long; each further one twice as long... */
  baseMs: number;
  /** ...but never longer than this... */
  capMs: number;
  /** ...and retries go on for at least this long after the first failure of the sequence. */
  budgetMs: number;
}

export interface RetryInput {
  /** Failures in a row, including the one just seen (1 for the first failure). */
  consecutiveFailures: number;
  /** When the current sequence of failures began. */
  firstFailureAt: Date;
  now: Date;
  /** Symphonics' Retry-After (429, 503), which we never undercut. */
  retryAfterMs?: number | null;
  random: () => number;
}

export type RetryDecision = { retry: true; delayMs: number; at: Date } | { retry: false };

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so retries of
 * many publications failing together spread out instead of hitting Symphonics in waves.
 */
export function backoffDelayMs(settings: Pick<RetrySettings, "baseMs" | "capMs">, consecutiveFailures: number, random: () => number): number {
  const exponent = Math.min(Math.max(consecutiveFailures - 1, 0), 30);
  const step = Math.min(settings.capMs, settings.baseMs * 2 ** exponent);
  return Math.round(step / 2 + (step / 2) * random());
}

export function nextRetry(settings: RetrySettings, input: RetryInput): RetryDecision {
  const elapsedMs = input.now.getTime() - input.firstFailureAt.getTime();
  if (elapsedMs >= settings.budgetMs) return { retry: false };
  const delayMs = Math.max(backoffDelayMs(settings, input.consecutiveFailures, input.random), input.retryAfterMs ?? 0);
  return { retry: true, delayMs, at: new Date(input.now.getTime() + delayMs) };
}

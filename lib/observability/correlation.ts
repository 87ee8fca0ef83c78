import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/**
 * The correlation id of the work in progress (an HTTP request, a job attempt), carried through
 * every await so that each log line and each stored attempt can name the run it belongs to.
 */
const storage = new AsyncLocalStorage<{ correlationId: string }>();

/** Accepted from callers (X-Correlation-Id, X-Request-Id) only when it cannot smuggle anything into logs. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function newCorrelationId(): string {
  return randomUUID();
}

/** The caller's id when it is safe to reuse, so a chain of systems shares one id; else a new one. */
export function correlationIdFrom(headers: Headers): string {
  const given = headers.get("x-correlation-id") ?? headers.get("x-request-id");
  return given && SAFE_ID.test(given) ? given : newCorrelationId();
}

export function withCorrelationId<T>(correlationId: string, work: () => T): T {
  return storage.run({ correlationId }, work);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

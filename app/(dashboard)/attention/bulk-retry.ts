import { useLocale } from "next-intl";
import { useState } from "react";
import { apiFetch, ApiError } from "@/components/api";
import type { AttentionList } from "@/lib/dashboard/attention";
import { isLocale, type Locale } from "@/lib/i18n/locales";
import { refusalText, retryQueuedText } from "@/lib/publication/explanations";

/** One row of a bulk retry's result: what happened to that intervention, in words. */
export type RetryOutcome = { reference: string; ok: true; message: string } | { reference: string; ok: false; message: string };

/** Manual publications in parallel, but few at a time: the worker and the partner's rate limit do the rest. */
const CONCURRENCY = 4;

/**
 * Asks the publish endpoint for each reference, reporting progress as it goes. Each request is
 * independent: one refused (already published, data to correct) does not stop the others.
 */
export async function retryAll(references: string[], onProgress: (outcome: RetryOutcome, done: number) => void, locale: Locale): Promise<RetryOutcome[]> {
  const outcomes: RetryOutcome[] = [];
  let next = 0;
  async function lane() {
    while (next < references.length) {
      const reference = references[next++]!;
      let outcome: RetryOutcome;
      try {
        await apiFetch(`/api/interventions/${encodeURIComponent(reference)}/publish`, { method: "POST", json: {} });
        outcome = { reference, ok: true, message: retryQueuedText(locale) };
      } catch (error) {
        const message =
          error instanceof ApiError
            ? refusalText(error.problem.code, error.problem.errors?.map((problem) => problem.message) ?? [], error.message, locale)
            : error instanceof Error
              ? error.message
              : String(error);
        outcome = { reference, ok: false, message };
      }
      outcomes.push(outcome);
      onProgress(outcome, outcomes.length);
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, references.length) }, lane));
  return outcomes;
}

export interface BulkRun {
  total: number;
  done: number;
  failures: Extract<RetryOutcome, { ok: false }>[];
  /** Every intervention's outcome, in the order they were answered. */
  outcomes: RetryOutcome[];
  finished: boolean;
}

/** A bulk retry as the page follows it: progress while it runs, then what could not be retried. */
export function useBulkRetry(onFinished: () => Promise<unknown>) {
  const pageLocale = useLocale();
  const locale = isLocale(pageLocale) ? pageLocale : "fr";
  const [run, setRun] = useState<BulkRun | null>(null);

  async function retry(references: string[]) {
    setRun({ total: references.length, done: 0, failures: [], outcomes: [], finished: false });
    const outcomes = await retryAll(
      references,
      (outcome, done) =>
        setRun((current) => current && { ...current, done, outcomes: [...current.outcomes, outcome], failures: outcome.ok ? current.failures : [...current.failures, outcome] }),
      locale,
    );
    setRun({ total: references.length, done: outcomes.length, outcomes, failures: outcomes.flatMap((o) => (o.ok ? [] : [o])), finished: true });
    await onFinished();
  }

  /** Every publication that failed since a local time given as a datetime-local value. */
  async function retryFailedSince(since: string) {
    const sinceIso = new Date(since).toISOString();
    setRun({ total: 0, done: 0, failures: [], outcomes: [], finished: false });
    const references: string[] = [];
    let next: string | null = null;
    try {
      do {
        const page: AttentionList = await apiFetch<AttentionList>(
          `/api/dashboard/attention?${new URLSearchParams({ failedSince: sinceIso, limit: "500", ...(next ? { cursor: next } : {}) })}`,
        );
        references.push(...page.items.map((item) => item.reference));
        next = page.nextCursor;
      } while (next);
    } catch (error) {
      const failure = { reference: "—", ok: false as const, message: error instanceof Error ? error.message : String(error) };
      setRun({ total: 0, done: 0, failures: [failure], outcomes: [failure], finished: true });
      return;
    }
    await retry(references);
  }

  return { run, running: run !== null && !run.finished, retry, retryFailedSince, dismiss: () => setRun(null) };
}

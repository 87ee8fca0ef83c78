import { apiFetch, ApiError } from "@/components/api";

export type RetryOutcome = { reference: string; ok: true } | { reference: string; ok: false; message: string };

/** Manual publications in parallel, but few at a time: the worker and the partner's rate limit do the rest. */
const CONCURRENCY = 4;

/**
 * Asks the publish endpoint for each reference, reporting progress as it goes. Each request is
 * independent: one refused (already published, data to correct) does not stop the others.
 */
export async function retryAll(references: string[], onProgress: (outcome: RetryOutcome, done: number) => void): Promise<RetryOutcome[]> {
  const outcomes: RetryOutcome[] = [];
  let next = 0;
  async function lane() {
    while (next < references.length) {
      const reference = references[next++]!;
      let outcome: RetryOutcome;
      try {
        await apiFetch(`/api/interventions/${encodeURIComponent(reference)}/publish`, { method: "POST", json: {} });
        outcome = { reference, ok: true };
      } catch (error) {
        outcome = { reference, ok: false, message: error instanceof ApiError || error instanceof Error ? error.message : String(error) };
      }
      outcomes.push(outcome);
      onProgress(outcome, outcomes.length);
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, references.length) }, lane));
  return outcomes;
}

import { withCorrelationId } from "./correlation";
import { logger } from "./logger";
import { metrics } from "./metrics";

interface ObservedJob {
  id: string;
  data: { correlationId?: string; interventionId?: string; trigger?: string };
}

/**
 * Runs one attempt of a job under the correlation id its trigger gave it (or the job's id), and
 * writes one log line and the metrics for it. Errors are counted and passed on to the caller.
 */
export function observeJobAttempt<T extends string>(queue: string, job: ObservedJob, run: () => Promise<T>): Promise<T> {
  return withCorrelationId(job.data.correlationId ?? job.id, async () => {
    const started = performance.now();
    const base = { queue, jobId: job.id, interventionId: job.data.interventionId, trigger: job.data.trigger };
    try {
      const result = await run();
      metrics().jobAttempts.inc({ queue, result: "completed" });
      metrics().publicationRuns.inc({ outcome: result });
      logger().info({ ...base, result, durationMs: Math.round(performance.now() - started) }, "job attempt");
      return result;
    } catch (error) {
      metrics().jobAttempts.inc({ queue, result: "failed" });
      logger().error({ ...base, err: error, durationMs: Math.round(performance.now() - started) }, "job attempt failed");
      throw error;
    }
  });
}

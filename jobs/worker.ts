/**
 * The publication worker process: `npm run worker` (the quickstart starts one). Run as many as
 * needed, anywhere: they share the queue, the rate limit and the circuit breaker in PostgreSQL.
 * SIGTERM or SIGINT: stop taking jobs, finish those in flight, exit.
 */
import { config } from "@/lib/config";
import { logger as productLogger } from "@/lib/observability/logger";
import { startWorkerOperations } from "@/lib/observability/worker-operations";
import { startPublicationWorker } from "./publication-worker";

// The product's logger: JSON lines with correlation ids, secrets and personal data redacted.
const logger = productLogger().child({ process: "worker" });

async function main() {
  const worker = await startPublicationWorker(config(), logger);
  const operations = await startWorkerOperations(config());
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing the jobs in flight");
    Promise.all([worker.stop(), operations.stop()]).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "worker failed to start");
  process.exit(1);
});

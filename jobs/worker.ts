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

type Started = { stop(): Promise<void> };

// Listened for before anything starts: a signal that arrives while the worker is still starting
// (a slow start under load) must stop it in order, not kill it with the default handler.
let stopping: string | null = null;
let started: Started[] | null = null;

function stopAll(parts: Started[]) {
  Promise.all(parts.map((part) => part.stop())).then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, "stop failed");
      process.exit(1);
    },
  );
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = signal;
    logger.info({ signal }, started ? "stopping: finishing the jobs in flight" : "stopping once started");
    if (started) stopAll(started);
  });
}

async function main() {
  logger.info("publication worker starting");
  const worker = await startPublicationWorker(config(), logger);
  const operations = await startWorkerOperations(config());
  started = [worker, operations];
  if (stopping) stopAll(started);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "worker failed to start");
  process.exit(1);
});

/**
 * The publication worker process: `npm run worker` (the quickstart starts one). Run as many as
 * needed, anywhere: they share the queue, the rate limit and the circuit breaker in PostgreSQL.
 * SIGTERM or SIGINT: stop taking jobs, finish those in flight, exit.
 */
import { pino } from "pino";
import { config } from "@/lib/config";
import { startPublicationWorker } from "./publication-worker";

const logger = pino({ name: "worker", level: process.env.LOG_LEVEL ?? "info" });

async function main() {
  const worker = await startPublicationWorker(config(), logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing the jobs in flight");
    worker.stop().then(
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

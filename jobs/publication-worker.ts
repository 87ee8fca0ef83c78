import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { PgBoss, type Job, type JobResult } from "pg-boss";
import type { Logger } from "pino";
import { connect } from "@/db/client";
import { workerHeartbeats } from "@/db/schema";
import type { Config } from "@/lib/config";
import { observeJobAttempt } from "@/lib/observability/jobs";
import { runPublication, type PublicationDeps } from "@/lib/publication/publish";
import { pipelineSettings } from "@/lib/publication/settings";
import { databaseTokenStore } from "@/lib/publication/shared-token";
import { fileStorage } from "@/lib/storage/files";
import { createSymphonicsClient } from "@/lib/symphonics/client";
import { enqueuePublication, ensurePublicationQueue, PUBLICATION_QUEUE, stopQueueClients, type PublicationJobData } from "./queues";
import { requeueOrphans } from "./sweeper";

export interface PublicationWorker {
  workerId: string;
  /** Stops taking jobs, finishes those in flight, then releases everything. */
  stop(): Promise<void>;
}

const HEARTBEAT_INTERVAL_MS = 10_000;
const SWEEP_INTERVAL_MS = 30_000;

/**
 * A publication worker: takes jobs from the queue in batches and runs each publication. Any
 * number of them may run, in one process or many, on one machine or many.
 */
export async function startPublicationWorker(config: Config, logger: Logger): Promise<PublicationWorker> {
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const databaseUrl = config.DATABASE_URL;
  const inFlight = config.WORKER_BATCH_SIZE * config.WORKER_CONCURRENCY;
  // A publication holds one connection only while it reads or writes, never during its HTTP calls
  // or its wait for the rate limit: a small pool serves many, and spares PostgreSQL's connection slots.
  const connection = connect(databaseUrl, { max: Math.min(20, inFlight + 2) });
  const { db } = connection;
  const client = createSymphonicsClient({
    baseUrl: config.SYMPHONICS_BASE_URL,
    clientId: config.SYMPHONICS_CLIENT_ID,
    clientSecret: config.SYMPHONICS_CLIENT_SECRET,
    tokenStore: databaseTokenStore(db, config.SYMPHONICS_CLIENT_ID, config.SYMPHONICS_CLIENT_SECRET),
  });

  const boss = new PgBoss({
    connectionString: databaseUrl,
    useListenNotify: true,
    schedule: false,
    superviseIntervalSeconds: config.WORKER_SUPERVISE_SECONDS,
    max: 4,
    instanceName: "publication-worker",
  });
  boss.on("error", (error) => logger.error({ err: error }, "pg-boss error"));
  await boss.start();
  await ensurePublicationQueue(boss, { heartbeatSeconds: config.WORKER_JOB_HEARTBEAT_SECONDS });

  const deps: PublicationDeps = {
    db,
    client,
    settings: pipelineSettings(config),
    schedule: async (tx, request, at) => {
      await enqueuePublication(tx, databaseUrl, { interventionId: request.interventionId, trigger: request.trigger, triggeredBy: request.triggeredBy }, { startAfter: at });
    },
    signUrl: (path, anchor) => fileStorage.signedUrl(path, anchor),
    fileExists: (path) => fileStorage.exists(path),
    now: () => new Date(),
    random: Math.random,
    sleep: (ms) => sleep(ms),
  };

  async function handle(jobs: Job<PublicationJobData>[]): Promise<JobResult[]> {
    return Promise.all(
      jobs.map(async (job): Promise<JobResult> => {
        try {
          const result = await observeJobAttempt(PUBLICATION_QUEUE, job, () => runPublication(deps, { ...job.data, jobId: job.id }));
          return { id: job.id, status: "completed", output: { result } };
        } catch (error) {
          // Unexpected (database unreachable...): pg-boss takes the job again later.
          logger.error({ err: error, jobId: job.id, interventionId: job.data.interventionId }, "publication run failed");
          return { id: job.id, status: "failed", output: { message: (error as Error).message } };
        }
      }),
    );
  }

  await boss.work<PublicationJobData>(
    PUBLICATION_QUEUE,
    {
      batchSize: config.WORKER_BATCH_SIZE,
      localConcurrency: config.WORKER_CONCURRENCY,
      pollingIntervalSeconds: config.WORKER_POLL_SECONDS,
      // NOTIFY only announces jobs due now; retries and postponed runs (startAfter) are found by
      // polling, so the poll must not relax to pg-boss's 30 s default while NOTIFY is active.
      notifyPollingIntervalSeconds: config.WORKER_POLL_SECONDS,
      // LISTEN/NOTIFY relaxes idle polling to 30 s; a backlog must drain without waiting for it.
      burstWhenBatchFull: true,
      perJobResults: true,
    },
    handle,
  );

  const beat = async () => {
    await db
      .insert(workerHeartbeats)
      .values({ workerId, hostname: hostname(), pid: process.pid })
      .onConflictDoUpdate({ target: workerHeartbeats.workerId, set: { lastBeatAt: sql`now()` } })
      .catch((error: unknown) => logger.warn({ err: error }, "worker heartbeat failed"));
  };
  await beat();
  const heartbeat = setInterval(() => void beat(), HEARTBEAT_INTERVAL_MS);
  const sweep = async () => {
    const requeued = await requeueOrphans(db, databaseUrl).catch((error: unknown) => {
      logger.warn({ err: error }, "sweep failed");
      return 0;
    });
    if (requeued > 0) logger.warn({ requeued }, "re-queued publications that had no job");
  };
  const sweeper = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
  logger.info({ workerId, batchSize: config.WORKER_BATCH_SIZE, concurrency: config.WORKER_CONCURRENCY }, "publication worker started");

  return {
    workerId,
    async stop() {
      clearInterval(heartbeat);
      clearInterval(sweeper);
      // graceful: stop fetching, wait for the handlers in flight (bounded by the timeout).
      await boss.stop({ graceful: true, timeout: 60_000 });
      await db.delete(workerHeartbeats).where(sql`${workerHeartbeats.workerId} = ${workerId}`).catch(() => {});
      await stopQueueClients();
      await client.close();
      await connection.close();
      logger.info({ workerId }, "publication worker stopped");
    },
  };
}

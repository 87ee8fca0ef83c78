import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import type { Job, JobResult } from "pg-boss";
import type { Logger } from "pino";
import { connect } from "@/db/client";
import { workerHeartbeats } from "@/db/schema";
import type { Config } from "@/lib/config";
import { observeJobAttempt } from "@/lib/observability/jobs";
import { runPublications, type PublicationDeps } from "@/lib/publication/publish";
import { createPublicationQueue, type PublicationJobData } from "@/lib/publication/queue";
import { reconcileDossierStatuses } from "@/lib/publication/reconcile";
import { reconcileSchedule } from "@/lib/publication/reconcile-schedule";
import { pipelineSettings } from "@/lib/publication/settings";
import { databaseTokenStore } from "@/lib/publication/shared-token";
import { requeueOrphans } from "@/lib/publication/sweeper";
import { fileStorage } from "@/lib/storage/files";
import { createSymphonicsClient } from "@/lib/symphonics/client";

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
  // A batch in flight holds one connection at a time (its claim, its turn at the rate limit, its
  // store), never during its HTTP calls; the heartbeat, the sweep and the reconciler take one each,
  // and the checkpoints of large dossiers share the rest. A small pool also means each connection
  // runs every statement often: postgres.js prepares a statement once per connection, and the
  // first time costs one more round trip.
  const connection = connect(databaseUrl, { max: Math.min(20, config.WORKER_CONCURRENCY + 4) });
  const { db } = connection;
  const client = createSymphonicsClient({
    baseUrl: config.SYMPHONICS_BASE_URL,
    clientId: config.SYMPHONICS_CLIENT_ID,
    clientSecret: config.SYMPHONICS_CLIENT_SECRET,
    tokenStore: databaseTokenStore(db, config.SYMPHONICS_CLIENT_ID, config.SYMPHONICS_CLIENT_SECRET),
  });

  const queue = createPublicationQueue(databaseUrl);

  const deps: PublicationDeps = {
    db,
    client,
    settings: pipelineSettings(config),
    schedule: queue.schedule,
    signUrl: (path, anchor) => fileStorage.signedUrl(path, anchor),
    fileExists: (path) => fileStorage.exists(path),
    now: () => new Date(),
    random: Math.random,
    sleep: (ms) => sleep(ms),
  };

  async function handle(jobs: Job<PublicationJobData>[]): Promise<JobResult[]> {
    // The batch is worked as a set; each job keeps its own log line, metrics and outcome.
    const runs = runPublications(
      deps,
      jobs.map((job) => ({ ...job.data, jobId: job.id, correlationId: job.data.correlationId ?? job.id })),
    );
    return Promise.all(
      jobs.map(async (job, index): Promise<JobResult> => {
        try {
          const result = await observeJobAttempt(queue.name, job, async () => {
            const outcome = (await runs)[index]!;
            if (outcome instanceof Error) throw outcome;
            return outcome;
          });
          return { id: job.id, status: "completed", output: { result } };
        } catch (error) {
          // Unexpected (database unreachable...): pg-boss takes the job again later.
          logger.error({ err: error, jobId: job.id, interventionId: job.data.interventionId }, "publication run failed");
          return { id: job.id, status: "failed", output: { message: (error as Error).message } };
        }
      }),
    );
  }

  await queue.work(
    {
      batchSize: config.WORKER_BATCH_SIZE,
      concurrency: config.WORKER_CONCURRENCY,
      pollSeconds: config.WORKER_POLL_SECONDS,
      superviseSeconds: config.WORKER_SUPERVISE_SECONDS,
      heartbeatSeconds: config.WORKER_JOB_HEARTBEAT_SECONDS,
      onError: (error) => logger.error({ err: error }, "pg-boss error"),
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
    const requeued = await requeueOrphans(db, queue).catch((error: unknown) => {
      logger.warn({ err: error }, "sweep failed");
      return 0;
    });
    if (requeued > 0) logger.warn({ requeued }, "re-queued publications that had no job");
  };
  const sweeper = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
  // Repairs dossier statuses whose webhooks were lost; one round at a time in this process.
  let reconciling: Promise<void> | null = null;
  const reconcile = () => {
    reconciling ??= reconcileDossierStatuses({ ...deps, schedule: reconcileSchedule(config) })
      .then((round) => {
        if (round.reconciled > 0 || round.notFound > 0) logger.info(round, "reconciled dossier statuses");
      })
      .catch((error: unknown) => logger.warn({ err: error }, "dossier status reconciliation failed"))
      .finally(() => (reconciling = null));
  };
  const reconciler = setInterval(reconcile, config.RECONCILE_INTERVAL_SECONDS * 1000);
  logger.info({ workerId, batchSize: config.WORKER_BATCH_SIZE, concurrency: config.WORKER_CONCURRENCY }, "publication worker started");

  return {
    workerId,
    async stop() {
      clearInterval(heartbeat);
      clearInterval(sweeper);
      clearInterval(reconciler);
      await queue.stop();
      await reconciling;
      await db.delete(workerHeartbeats).where(sql`${workerHeartbeats.workerId} = ${workerId}`).catch(() => {});
      await client.close();
      await connection.close();
      logger.info({ workerId }, "publication worker stopped");
    },
  };
}

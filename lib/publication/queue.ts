import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { PgBoss, type Job, type JobResult } from "pg-boss";
import type { Executor } from "@/db/client";
import { rawClient } from "@/db/sql";
import { config } from "@/lib/config";
import { currentCorrelationId } from "@/lib/observability/correlation";

/**
 * The publication queue: one pg-boss job per intervention publication, its singleton key the
 * intervention id. The only module that knows pg-boss and reads its tables; everything else (the
 * trigger, manual publication, the worker, the sweeper, the operational state) goes through a
 * PublicationQueue.
 */
const QUEUE = "publish-intervention";

export interface PublicationJobData {
  interventionId: string;
  trigger: "automatic" | "manual" | "retry";
  triggeredBy: string;
  /** The request (or job) that caused this one: its log lines and attempts carry the same id. */
  correlationId?: string;
}

/** What the worker asks for a next run; without a correlation id, the sender adds its own. */
export type ScheduledRun = Pick<PublicationJobData, "interventionId" | "trigger" | "triggeredBy" | "correlationId">;

export interface QueueStats {
  /** Jobs due and not yet taken by a worker. */
  waiting: number;
  /** Jobs scheduled for later (retries, postponements). */
  scheduled: number;
  /** Jobs a worker is running. */
  active: number;
  /** Since the oldest due job became due: a retry scheduled for later is not "waiting" before then. */
  oldestWaitingJobAgeSeconds: number;
}

export interface WorkSettings {
  batchSize: number;
  concurrency: number;
  pollSeconds: number;
  superviseSeconds: number;
  /** A job whose worker sends no heartbeat for this long is handed out again. */
  heartbeatSeconds: number;
  onError(error: Error): void;
}

export interface PublicationQueue {
  /** The queue's name, as logs and metrics label it. */
  readonly name: string;
  /**
   * Installs pg-boss's own schema and the queue. Run with the migrations, so the web app can
   * enqueue inside its transactions before any worker has started.
   */
  install(): Promise<void>;
  /**
   * Enqueues the publication of one intervention inside the caller's transaction (a rollback
   * enqueues nothing). The queue keeps at most one waiting job per intervention, so repeated
   * triggers collapse into one. Returns the job id, or null when one is already waiting.
   */
  enqueue(tx: Executor, data: PublicationJobData, options?: { startAfter?: Date }): Promise<string | null>;
  /**
   * Brings the intervention's waiting job (a retry or a postponed run scheduled for later) forward
   * to now, carrying `data` (who asks, and why) instead of what it held, in the caller's
   * transaction. Returns how many jobs moved (0 or 1).
   */
  expedite(tx: Executor, data: PublicationJobData): Promise<number>;
  /** The worker's next run of a publication at `at`, in the caller's transaction. */
  schedule(tx: Executor, run: ScheduledRun, at: Date): Promise<void>;
  /** Takes jobs in batches and hands them to `handler`, until stop(). */
  work(settings: WorkSettings, handler: (jobs: Job<PublicationJobData>[]) => Promise<JobResult[]>): Promise<void>;
  stats(db: Executor): Promise<QueueStats>;
  /** SQL: true when the intervention (a uuid expression) has a job waiting, scheduled or running. */
  hasLiveJob(interventionId: SQLWrapper): SQL;
  /** SQL: the correlation id of the intervention's latest job, or null. */
  latestCorrelationId(interventionId: SQLWrapper): SQL;
  /** Stops working (finishing the jobs in flight), then sending. */
  stop(): Promise<void>;
}

/**
 * How pg-boss keeps publication jobs. Our handler settles every expected outcome itself (and
 * schedules retries with the product's own policy); pg-boss's retries only cover the unexpected:
 * a worker that died (no heartbeat) or a handler that threw (database unreachable).
 */
function queueOptions(heartbeatSeconds: number) {
  return {
    heartbeatSeconds,
    // A run is a few HTTP calls; a hung one is given up after this and taken again.
    expireInSeconds: 15 * 60,
    // Crash-and-retake must not run out: the publication itself decides when to give up.
    retryLimit: 1000,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 300,
    notify: true,
  };
}

const DEFAULT_HEARTBEAT_SECONDS = 10;

/** Creates the queue, or brings an existing one to the current settings. */
async function ensureQueue(boss: PgBoss, heartbeatSeconds: number): Promise<void> {
  if (!(await boss.getQueue(QUEUE))) {
    // Two processes may race here; the loser updates instead.
    await boss.createQueue(QUEUE, { policy: "stately", ...queueOptions(heartbeatSeconds) }).catch(() => {});
  }
  await boss.updateQueue(QUEUE, queueOptions(heartbeatSeconds));
}

const pending = sql.raw("'created', 'retry'");

/**
 * pg-boss plans its fetch on the job table's statistics, which autovacuum refreshes only once a
 * tenth of the table changed, and at most once a minute. A burst of jobs (a backlog after an
 * outage, a thousand interventions eligible at once) outruns it: planned for a near-empty table,
 * the stately policy's fetch compares every waiting job with every running one (measured with
 * 5,600 waiting: 840 ms a fetch, 1.7 ms once analyzed). A full batch shows such a backlog, so the
 * worker then refreshes the statistics itself, at most this often per process, without waiting.
 */
const STATISTICS_REFRESH_MS = 5_000;

export function createPublicationQueue(databaseUrl: string): PublicationQueue {
  // Sending needs no schema work and few connections; started at the first send.
  let sender: Promise<PgBoss> | null = null;
  let worker: PgBoss | null = null;
  const sending = () => {
    if (!sender) {
      const boss = new PgBoss({ connectionString: databaseUrl, supervise: false, schedule: false, migrate: false, max: 2 });
      boss.on("error", (error) => console.error("pg-boss (sender):", error.message));
      sender = boss.start();
    }
    return sender;
  };

  const enqueue: PublicationQueue["enqueue"] = async (tx, data, options = {}) => {
    const boss = await sending();
    const client = rawClient(tx);
    return boss.send(QUEUE, { ...data, correlationId: data.correlationId ?? currentCorrelationId() }, {
      ...options,
      singletonKey: data.interventionId,
      db: { executeSql: async (text, values) => ({ rows: await client.unsafe(text, values as never[]) }) },
    });
  };

  return {
    name: QUEUE,
    async install() {
      const boss = new PgBoss({ connectionString: databaseUrl, supervise: false, schedule: false, max: 2 });
      boss.on("error", () => {});
      await boss.start();
      try {
        await ensureQueue(boss, DEFAULT_HEARTBEAT_SECONDS);
      } finally {
        await boss.stop({ graceful: false });
      }
    },
    enqueue,
    async expedite(tx, data) {
      const job = { ...data, correlationId: data.correlationId ?? currentCorrelationId() };
      const moved = await tx.execute(sql`
        update pgboss.job set start_after = now(), data = ${JSON.stringify(job)}::jsonb
        where name = ${QUEUE} and singleton_key = ${data.interventionId}::text and state in (${pending}) and start_after > now()
        returning id`);
      return moved.length;
    },
    async schedule(tx, { interventionId, trigger, triggeredBy, correlationId }, at) {
      await enqueue(tx, { interventionId, trigger, triggeredBy, correlationId }, { startAfter: at });
    },
    async work(settings, handler) {
      const boss = new PgBoss({
        connectionString: databaseUrl,
        useListenNotify: true,
        schedule: false,
        superviseIntervalSeconds: settings.superviseSeconds,
        max: 4,
        instanceName: "publication-worker",
      });
      boss.on("error", settings.onError);
      await boss.start();
      worker = boss;
      await ensureQueue(boss, settings.heartbeatSeconds);
      let statisticsRefreshedAt = 0;
      const refreshStatistics = () => {
        if (Date.now() - statisticsRefreshedAt < STATISTICS_REFRESH_MS) return;
        statisticsRefreshedAt = Date.now();
        // skip_locked: another worker analyzing the table right now serves as well.
        boss
          .getDb()
          .executeSql("analyze (skip_locked) pgboss.job")
          .catch((error: unknown) => settings.onError(new Error(`could not refresh the job table's statistics: ${(error as Error).message}`)));
      };
      await boss.work<PublicationJobData>(
        QUEUE,
        {
          batchSize: settings.batchSize,
          localConcurrency: settings.concurrency,
          pollingIntervalSeconds: settings.pollSeconds,
          // NOTIFY only announces jobs due now; retries and postponed runs (startAfter) are found by
          // polling, so the poll must not relax to pg-boss's 30 s default while NOTIFY is active.
          notifyPollingIntervalSeconds: settings.pollSeconds,
          // LISTEN/NOTIFY relaxes idle polling to 30 s; a backlog must drain without waiting for it.
          burstWhenBatchFull: true,
          perJobResults: true,
        },
        (jobs) => {
          if (jobs.length >= settings.batchSize) refreshStatistics();
          return handler(jobs);
        },
      );
    },
    async stats(db) {
      const [row] = await db.execute<{ waiting: number; scheduled: number; active: number; oldest_age: number }>(sql`
        select count(*) filter (where state in (${pending}) and start_after <= now())::int as waiting,
               count(*) filter (where state in (${pending}) and start_after > now())::int as scheduled,
               count(*) filter (where state = 'active')::int as active,
               coalesce(extract(epoch from now() - min(greatest(created_on, start_after)) filter (where state in (${pending}) and start_after <= now())), 0)::float8 as oldest_age
        from pgboss.job where name = ${QUEUE} and state in (${pending}, 'active')`);
      return {
        waiting: Number(row!.waiting),
        scheduled: Number(row!.scheduled),
        active: Number(row!.active),
        oldestWaitingJobAgeSeconds: Math.max(0, Number(row!.oldest_age)),
      };
    },
    hasLiveJob(interventionId) {
      return sql`exists (
        select 1 from pgboss.job j
        where j.name = ${QUEUE} and j.singleton_key = ${interventionId}::text and j.state in (${pending}, 'active'))`;
    },
    latestCorrelationId(interventionId) {
      return sql`(select data->>'correlationId' from pgboss.job where name = ${QUEUE} and singleton_key = ${interventionId}::text order by created_on desc limit 1)`;
    },
    async stop() {
      // graceful: stop fetching, wait for the handlers in flight (bounded by the timeout); they may still send.
      await worker?.stop({ graceful: true, timeout: 60_000 });
      worker = null;
      const started = sender;
      sender = null;
      if (started) await (await started).stop({ graceful: false });
    },
  };
}

// The web app's queue (and any process's that has no other), one per database, like getDb().
const globalForQueue = globalThis as unknown as { __publicationQueues?: Map<string, PublicationQueue> };

export function publicationQueue(databaseUrl: string = config().DATABASE_URL): PublicationQueue {
  globalForQueue.__publicationQueues ??= new Map();
  let queue = globalForQueue.__publicationQueues.get(databaseUrl);
  if (!queue) {
    queue = createPublicationQueue(databaseUrl);
    globalForQueue.__publicationQueues.set(databaseUrl, queue);
  }
  return queue;
}

/** Stops every queue publicationQueue() made in this process (tests, scripts). */
export async function stopPublicationQueues(): Promise<void> {
  const queues = [...(globalForQueue.__publicationQueues?.values() ?? [])];
  globalForQueue.__publicationQueues?.clear();
  await Promise.all(queues.map((queue) => queue.stop()));
}

import { PgBoss, type SendOptions } from "pg-boss";
import { type Executor, rawClient } from "@/db/client";
import { currentCorrelationId } from "@/lib/observability/correlation";

/** One job per intervention publication; the singleton key is the intervention id. */
export const PUBLICATION_QUEUE = "publish-intervention";

export interface PublicationJobData {
  interventionId: string;
  trigger: "automatic" | "manual" | "retry";
  triggeredBy: string;
  /** The request (or job) that caused this one: its log lines and attempts carry the same id. */
  correlationId?: string;
}

/**
 * How pg-boss keeps publication jobs. Our handler settles every expected outcome itself (and
 * schedules retries with the product's own policy); pg-boss's retries only cover the unexpected:
 * a worker that died (no heartbeat) or a handler that threw (database unreachable).
 */
export interface PublicationQueueSettings {
  /** A job whose worker sends no heartbeat for this long is handed out again. */
  heartbeatSeconds: number;
}

const DEFAULT_QUEUE_SETTINGS: PublicationQueueSettings = { heartbeatSeconds: 10 };

function queueOptions(settings: PublicationQueueSettings) {
  return {
    heartbeatSeconds: settings.heartbeatSeconds,
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

/** Creates the publication queue, or brings an existing one to the current settings. */
export async function ensurePublicationQueue(boss: PgBoss, settings: PublicationQueueSettings = DEFAULT_QUEUE_SETTINGS): Promise<void> {
  if (!(await boss.getQueue(PUBLICATION_QUEUE))) {
    // Two processes may race here; the loser updates instead.
    await boss.createQueue(PUBLICATION_QUEUE, { policy: "stately", ...queueOptions(settings) }).catch(() => {});
  }
  await boss.updateQueue(PUBLICATION_QUEUE, queueOptions(settings));
}

/**
 * Installs pg-boss's own schema and the product's queues. Run with the migrations, so the web
 * app can enqueue inside its transactions before any worker has started.
 */
export async function installQueues(databaseUrl: string): Promise<void> {
  const boss = new PgBoss({ connectionString: databaseUrl, supervise: false, schedule: false, max: 2 });
  boss.on("error", () => {});
  await boss.start();
  try {
    await ensurePublicationQueue(boss);
  } finally {
    await boss.stop({ graceful: false });
  }
}

// A sending-only pg-boss per database, shared by the process (web app or worker).
const globalForQueue = globalThis as unknown as { __queueClients?: Map<string, Promise<PgBoss>> };

export function queueClient(databaseUrl: string): Promise<PgBoss> {
  globalForQueue.__queueClients ??= new Map();
  let client = globalForQueue.__queueClients.get(databaseUrl);
  if (!client) {
    const boss = new PgBoss({ connectionString: databaseUrl, supervise: false, schedule: false, migrate: false, max: 2 });
    boss.on("error", (error) => console.error("pg-boss (sender):", error.message));
    client = boss.start();
    globalForQueue.__queueClients.set(databaseUrl, client);
  }
  return client;
}

export async function stopQueueClients(): Promise<void> {
  const clients = [...(globalForQueue.__queueClients?.values() ?? [])];
  globalForQueue.__queueClients?.clear();
  await Promise.all(clients.map(async (client) => (await client).stop({ graceful: false })));
}

/**
 * Enqueues the publication of one intervention inside the caller's transaction. The stately
 * queue keeps at most one waiting job per intervention, so repeated triggers collapse into one.
 * Returns the job id, or null when one is already waiting.
 */
export async function enqueuePublication(
  tx: Executor,
  databaseUrl: string,
  data: PublicationJobData,
  options: Pick<SendOptions, "startAfter"> = {},
): Promise<string | null> {
  const boss = await queueClient(databaseUrl);
  const client = rawClient(tx);
  return boss.send(PUBLICATION_QUEUE, { ...data, correlationId: data.correlationId ?? currentCorrelationId() }, {
    ...options,
    singletonKey: data.interventionId,
    db: { executeSql: async (text, values) => ({ rows: await client.unsafe(text, values as never[]) }) },
  });
}

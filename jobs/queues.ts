import { PgBoss, type SendOptions } from "pg-boss";
import { type Executor, rawClient } from "@/db/client";

/** One job per intervention publication; the singleton key is the intervention id. */
export const PUBLICATION_QUEUE = "publish-intervention";

export interface PublicationJobData {
  interventionId: string;
  trigger: "automatic" | "manual" | "retry";
  triggeredBy: string;
}

const queueOptions = { policy: "stately" } as const;

/**
 * Installs pg-boss's own schema and the product's queues. Run with the migrations, so the web
 * app can enqueue inside its transactions before any worker has started.
 */
export async function installQueues(databaseUrl: string): Promise<void> {
  const boss = new PgBoss({ connectionString: databaseUrl, supervise: false, schedule: false, max: 2 });
  boss.on("error", () => {});
  await boss.start();
  try {
    if (!(await boss.getQueue(PUBLICATION_QUEUE))) await boss.createQueue(PUBLICATION_QUEUE, queueOptions);
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
  return boss.send(PUBLICATION_QUEUE, data, {
    ...options,
    singletonKey: data.interventionId,
    db: { executeSql: async (text, values) => ({ rows: await client.unsafe(text, values as never[]) }) },
  });
}

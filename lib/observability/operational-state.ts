import { sql } from "drizzle-orm";
import { getDb, type Executor } from "@/db/client";
import { publicationStatus, type PublicationStatus } from "@/db/schema";
import { config } from "@/lib/config";
import { publicationQueue, type PublicationQueue } from "@/lib/publication/queue";

/**
 * The shared state of the product as PostgreSQL holds it: the publication queue, the circuit
 * toward Symphonics, publications by status, open alerts, worker heartbeats. Read by the metrics
 * at scrape time, by readiness and by the alert evaluator.
 */
export interface OperationalState {
  jobsWaiting: number;
  jobsScheduled: number;
  /** Jobs a worker is running. */
  jobsActive: number;
  /** Since the oldest due job became due: a retry scheduled for later is not "waiting" before then. */
  oldestWaitingJobAgeSeconds: number;
  circuits: { name: string; state: string; openSeconds: number }[];
  publicationsByStatus: Record<PublicationStatus, number>;
  openAlerts: { kind: string; severity: string; count: number }[];
  youngestHeartbeatAgeSeconds: number | null;
  /** Workers whose last heartbeat is younger than the configured maximum age. */
  workersAlive: number;
  /** Published dossiers Symphonics has not decided yet (received or processing). */
  dossiersAwaitingFinalStatus: number;
  /**
   * How long Symphonics has sent no webhook while dossiers await a final status: since the last
   * webhook, or since the oldest awaiting dossier was sent if that is later; 0 when none awaits.
   */
  webhookSilenceSeconds: number;
}

export interface OperationalStateSources {
  queue: PublicationQueue;
  /** A worker heartbeat older than this counts as no worker running (WORKER_HEARTBEAT_MAX_AGE_SECONDS). */
  heartbeatMaxAgeSeconds: number;
}

export async function readOperationalState(db: Executor = getDb(), sources: Partial<OperationalStateSources> = {}): Promise<OperationalState> {
  const queue = sources.queue ?? publicationQueue();
  const heartbeatMaxAgeSeconds = sources.heartbeatMaxAgeSeconds ?? config().WORKER_HEARTBEAT_MAX_AGE_SECONDS;
  const [jobs, circuits, publications, alerts, heartbeat, [webhooks]] = await Promise.all([
    queue.stats(db),
    db.execute<{ name: string; state: string; open_seconds: number }>(sql`
      select name, state,
             case when state = 'closed' or opened_at is null then 0 else extract(epoch from now() - opened_at) end::float8 as open_seconds
      from circuit_breakers order by name`),
    // The ledger the triggers keep (db/schema.ts): exact, without reading a million publications.
    db.execute<{ status: PublicationStatus; n: number }>(sql`select status, sum(n)::int as n from publication_status_counts group by status`),
    db.execute<{ kind: string; severity: string; n: number }>(
      sql`select kind, severity, count(*)::int as n from alerts where resolved_at is null group by kind, severity`,
    ),
    readWorkerHeartbeats(db, heartbeatMaxAgeSeconds),
    db.execute<{ awaiting: number; silence_seconds: number | null }>(sql`
      select count(*)::int as awaiting,
             extract(epoch from now() - greatest(min(published_at), (select max(received_at) from webhook_events)))::float8 as silence_seconds
      from publications where status = 'published' and dossier_status in ('received', 'processing')`),
  ]);
  const awaiting = Number(webhooks?.awaiting ?? 0);
  const byStatus = Object.fromEntries(publicationStatus.enumValues.map((status) => [status, 0])) as Record<PublicationStatus, number>;
  for (const row of publications) byStatus[row.status] = Number(row.n);
  return {
    jobsWaiting: jobs.waiting,
    jobsScheduled: jobs.scheduled,
    jobsActive: jobs.active,
    oldestWaitingJobAgeSeconds: jobs.oldestWaitingJobAgeSeconds,
    circuits: circuits.map((c) => ({ name: c.name, state: c.state, openSeconds: Math.max(0, Number(c.open_seconds)) })),
    publicationsByStatus: byStatus,
    openAlerts: alerts.map((a) => ({ kind: a.kind, severity: a.severity, count: Number(a.n) })),
    ...heartbeat,
    dossiersAwaitingFinalStatus: awaiting,
    webhookSilenceSeconds: awaiting > 0 ? Math.max(0, Number(webhooks?.silence_seconds ?? 0)) : 0,
  };
}

/**
 * The worker heartbeats alone: what the dashboard's explanations need on every page, without
 * the counts over every publication the rest of the state costs.
 */
export async function readWorkerHeartbeats(
  db: Executor,
  heartbeatMaxAgeSeconds = config().WORKER_HEARTBEAT_MAX_AGE_SECONDS,
): Promise<Pick<OperationalState, "youngestHeartbeatAgeSeconds" | "workersAlive">> {
  const [row] = await db.execute<{ age: number | null; alive: number }>(sql`
    select extract(epoch from now() - max(last_beat_at))::float8 as age,
           count(*) filter (where last_beat_at > now() - make_interval(secs => ${heartbeatMaxAgeSeconds}))::int as alive
    from worker_heartbeats`);
  return {
    youngestHeartbeatAgeSeconds: row?.age === null || row?.age === undefined ? null : Math.max(0, Number(row.age)),
    workersAlive: Number(row?.alive ?? 0),
  };
}

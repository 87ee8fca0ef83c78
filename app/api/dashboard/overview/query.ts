import { desc, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { alerts, circuitBreakers, publicationStatus, type PublicationStatus } from "@/db/schema";
import { problems, zodProblems } from "@/lib/http/problem";
import { publicationQueue } from "@/lib/publication/queue";

/** Attempt outcomes that are not failures: the dossier was created, or Symphonics already had it. */
const SUCCESSFUL_OUTCOMES = ["success", "exists"];
const isFailure = sql.raw(`outcome not in (${SUCCESSFUL_OUTCOMES.map((o) => `'${o}'`).join(", ")})`);
/** A worker that has not beaten for this long is considered gone. */
const WORKER_TIMEOUT_SECONDS = 60;

const CHART_RANGES = { "24h": { buckets: 24, unit: "hour" }, "14d": { buckets: 14, unit: "day" } } as const;

export const overviewQuerySchema = z.object({
  range: z.enum(["24h", "14d"], { error: "must be 24h or 14d" }).default("24h"),
  tz: z.string().max(64).refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { message: "must be an IANA time zone, e.g. Europe/Paris" },
  ).default("UTC"),
});

export function parseOverviewQuery(params: URLSearchParams) {
  const parsed = overviewQuerySchema.safeParse({ range: params.get("range") || undefined, tz: params.get("tz") || undefined });
  if (!parsed.success) throw problems.invalid(zodProblems(parsed.error));
  return parsed.data;
}

const iso = (value: Date | string | null | undefined) => (value ? new Date(value).toISOString() : null);

/** Everything the overview shows: counts per state, integration health, the chart and open alerts. */
export async function overview(db: Executor, query: z.infer<typeof overviewQuerySchema>) {
  const { buckets, unit } = CHART_RANGES[query.range];
  const step = unit === "hour" ? sql`interval '1 hour'` : sql`interval '1 day'`;
  const [countRows, circuits, queue, [lastSuccess], [lastWebhook], [lastHour], [workers], chart, openAlerts] = await Promise.all([
    db.execute<{ status: PublicationStatus; n: number }>(sql`select status, count(*)::int as n from publications group by status`),
    db.select().from(circuitBreakers).orderBy(circuitBreakers.name),
    publicationQueue().stats(db),
    db.execute<{ at: string | null }>(sql`select max(started_at) as at from publication_attempts where outcome = 'success'`),
    db.execute<{ at: string | null }>(sql`select max(received_at) as at from webhook_events`),
    db.execute<{ attempts: number; rate_limited: number; errors: number }>(sql`
      select count(*)::int as attempts,
             count(*) filter (where outcome = 'rate_limited' or http_status = 429)::int as rate_limited,
             count(*) filter (where ${isFailure})::int as errors
      from publication_attempts where started_at > now() - interval '1 hour'`),
    db.execute<{ alive: number; last_beat_at: string | null }>(sql`
      select count(*) filter (where last_beat_at > now() - make_interval(secs => ${WORKER_TIMEOUT_SECONDS}))::int as alive,
             max(last_beat_at) as last_beat_at
      from worker_heartbeats`),
    // Buckets start at the staff member's local hour or midnight, so a day means their day.
    db.execute<{ bucket: string; published: number; failed: number }>(sql`
      with series as (
        select generate_series(date_trunc(${unit}, now() at time zone ${query.tz}) - ${step} * ${buckets - 1},
                               date_trunc(${unit}, now() at time zone ${query.tz}), ${step}) as local_start
      ), published as (
        -- A publication is updated when it is published, so updated_at >= published_at: the
        -- (status, updated_at) index finds the period's publications without reading them all.
        select date_trunc(${unit}, published_at at time zone ${query.tz}) as local_start, count(*)::int as n
        from publications
        where status = 'published'
          and updated_at >= (select min(local_start) from series) at time zone ${query.tz}
          and published_at >= (select min(local_start) from series) at time zone ${query.tz}
        group by 1
      ), failed as (
        select date_trunc(${unit}, started_at at time zone ${query.tz}) as local_start, count(*)::int as n
        from publication_attempts
        where started_at >= (select min(local_start) from series) at time zone ${query.tz}
          and ${isFailure}
        group by 1
      )
      select s.local_start at time zone ${query.tz} as bucket, coalesce(p.n, 0) as published, coalesce(f.n, 0) as failed
      from series s left join published p using (local_start) left join failed f using (local_start)
      order by s.local_start`),
    db.select().from(alerts).where(isNull(alerts.resolvedAt)).orderBy(desc(alerts.lastSeenAt)).limit(20),
  ]);

  const counts = Object.fromEntries(publicationStatus.enumValues.map((status) => [status, 0])) as Record<PublicationStatus, number>;
  for (const row of countRows) counts[row.status] = row.n;
  const share = (part: number) => (lastHour!.attempts ? part / lastHour!.attempts : 0);

  return {
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    health: {
      circuits: circuits.map((c) => ({
        name: c.name,
        state: c.state,
        consecutiveFailures: c.consecutiveFailures,
        openedAt: iso(c.openedAt),
        probeAt: iso(c.probeAt),
      })),
      queue: { waiting: queue.waiting, scheduled: queue.scheduled, active: queue.active, oldestWaitingSeconds: queue.waiting > 0 ? Math.round(queue.oldestWaitingJobAgeSeconds) : null },
      workers: { alive: workers!.alive, lastBeatAt: iso(workers!.last_beat_at) },
      lastSuccessAt: iso(lastSuccess!.at),
      lastWebhookAt: iso(lastWebhook!.at),
      lastHour: {
        attempts: lastHour!.attempts,
        rateLimited: lastHour!.rate_limited,
        errors: lastHour!.errors,
        rateLimitedShare: share(lastHour!.rate_limited),
        errorShare: share(lastHour!.errors),
      },
    },
    chart: { range: query.range, unit, points: chart.map((p) => ({ bucket: iso(p.bucket)!, published: p.published, failed: p.failed })) },
    alerts: openAlerts.map((a) => ({
      id: a.id,
      kind: a.kind,
      severity: a.severity,
      message: a.message,
      occurrences: a.occurrences,
      firstSeenAt: iso(a.firstSeenAt)!,
      lastSeenAt: iso(a.lastSeenAt)!,
    })),
    generatedAt: new Date().toISOString(),
  };
}

export type Overview = Awaited<ReturnType<typeof overview>>;

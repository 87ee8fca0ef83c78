import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { alerts, circuitBreakers, interventions } from "@/db/schema";
import { alertMessage } from "@/lib/alerts/messages";
import { toIsoOrNull } from "@/lib/dates";
import type { Locale } from "@/lib/i18n/locales";
import { readOperationalState } from "@/lib/observability/operational-state";
import { atTimeZone, checkTimeZone, timeZoneSchema } from "./time-zone";

/** Attempt outcomes that are not failures: the dossier was created, or Symphonics already had it. */
const SUCCESSFUL_OUTCOMES = ["success", "exists"];
const isFailure = sql.raw(`outcome not in (${SUCCESSFUL_OUTCOMES.map((o) => `'${o}'`).join(", ")})`);

/** Open alerts the overview reads; grouped by kind they make a few lines. */
const OPEN_ALERTS_SHOWN = 200;

type ShownAlert = { id: number; kind: string; severity: string; lastSeenAt: string | null };

function groupAlerts<T extends ShownAlert>(shown: T[]) {
  const groups = new Map<string, { kind: string; severity: string; count: number; alerts: T[] }>();
  for (const alert of shown) {
    const group = groups.get(alert.kind) ?? { kind: alert.kind, severity: alert.severity, count: 0, alerts: [] };
    group.count += 1;
    if (alert.severity === "critical") group.severity = "critical";
    group.alerts.push(alert);
    groups.set(alert.kind, group);
  }
  return [...groups.values()];
}

const CHART_RANGES = { "24h": { buckets: 24, unit: "hour" }, "14d": { buckets: 14, unit: "day" } } as const;

export const overviewQuerySchema = z.object({
  range: z.enum(["24h", "14d"], { error: "must be 24h or 14d" }).default("24h"),
  tz: timeZoneSchema,
});


/**
 * Everything the overview shows: counts per state, integration health, the chart and open alerts.
 * Counts, queue and workers are the operational state that readiness and the metrics read too.
 * Alerts are told in `locale`, the reader's language.
 */
export async function overview(db: Executor, query: z.infer<typeof overviewQuerySchema>, locale: Locale = "en") {
  await checkTimeZone(db, query.tz);
  const zone = atTimeZone(query.tz);
  const { buckets, unit } = CHART_RANGES[query.range];
  const step = unit === "hour" ? sql`interval '1 hour'` : sql`interval '1 day'`;
  const [state, circuits, [lastSuccess], [lastWebhook], [lastHour], chart, openAlerts] = await Promise.all([
    readOperationalState(db),
    // Its own read of the circuits for their details: failures counted, when it opened, the next probe.
    db.select().from(circuitBreakers).orderBy(circuitBreakers.name),
    db.execute<{ at: string | null }>(sql`select max(started_at) as at from publication_attempts where outcome = 'success'`),
    db.execute<{ at: string | null }>(sql`select max(received_at) as at from webhook_events`),
    db.execute<{ attempts: number; rate_limited: number; errors: number }>(sql`
      select count(*)::int as attempts,
             count(*) filter (where outcome = 'rate_limited' or http_status = 429)::int as rate_limited,
             count(*) filter (where ${isFailure})::int as errors
      from publication_attempts where started_at > now() - interval '1 hour'`),
    // Buckets start at the staff member's local hour or midnight, so a day means their day.
    db.execute<{ bucket: string; published: number; failed: number }>(sql`
      with series as (
        select generate_series(date_trunc(${unit}, now() at time zone ${zone}) - ${step} * ${buckets - 1},
                               date_trunc(${unit}, now() at time zone ${zone}), ${step}) as local_start
      ), published as (
        -- Spelled as publications_published_at_idx's predicate, which answers it index-only.
        select date_trunc(${unit}, published_at at time zone ${zone}) as local_start, count(*)::int as n
        from publications
        where status = 'published'
          and published_at >= (select min(local_start) from series) at time zone ${zone}
        group by 1
      ), failed as (
        select date_trunc(${unit}, started_at at time zone ${zone}) as local_start, count(*)::int as n
        from publication_attempts
        where started_at >= (select min(local_start) from series) at time zone ${zone}
          and ${isFailure}
        group by 1
      )
      select s.local_start at time zone ${zone} as bucket, coalesce(p.n, 0) as published, coalesce(f.n, 0) as failed
      from series s left join published p using (local_start) left join failed f using (local_start)
      order by s.local_start`),
    // Open and not yet acknowledged: an operator who acknowledged one has seen it.
    db
      .select({ alert: alerts, reference: interventions.reference })
      .from(alerts)
      .leftJoin(interventions, eq(interventions.id, alerts.interventionId))
      .where(and(isNull(alerts.resolvedAt), isNull(alerts.acknowledgedAt)))
      .orderBy(desc(alerts.lastSeenAt))
      .limit(OPEN_ALERTS_SHOWN),
  ]);

  const counts = state.publicationsByStatus;
  const shown = openAlerts.map(({ alert: a, reference }) => ({
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    message: alertMessage(locale, a),
    occurrences: a.occurrences,
    firstSeenAt: toIsoOrNull(a.firstSeenAt),
    lastSeenAt: toIsoOrNull(a.lastSeenAt),
    /** The intervention it is about, for a link to it. */
    reference,
  }));
  const share = (part: number) => (lastHour!.attempts ? part / lastHour!.attempts : 0);

  return {
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    health: {
      circuits: circuits.map((c) => ({
        name: c.name,
        state: c.state,
        consecutiveFailures: c.consecutiveFailures,
        openedAt: toIsoOrNull(c.openedAt),
        probeAt: toIsoOrNull(c.probeAt),
      })),
      queue: {
        waiting: state.jobsWaiting,
        scheduled: state.jobsScheduled,
        active: state.jobsActive,
        oldestWaitingSeconds: state.jobsWaiting ? Math.round(state.oldestWaitingJobAgeSeconds) : null,
      },
      workers: { alive: state.workersAlive, youngestHeartbeatAgeSeconds: state.youngestHeartbeatAgeSeconds },
      lastSuccessAt: toIsoOrNull(lastSuccess!.at),
      lastWebhookAt: toIsoOrNull(lastWebhook!.at),
      lastHour: {
        attempts: lastHour!.attempts,
        rateLimited: lastHour!.rate_limited,
        errors: lastHour!.errors,
        rateLimitedShare: share(lastHour!.rate_limited),
        errorShare: share(lastHour!.errors),
      },
    },
    chart: { range: query.range, unit, points: chart.map((p) => ({ bucket: toIsoOrNull(p.bucket), published: p.published, failed: p.failed })) },
    alerts: shown,
    /** The same alerts, one group per kind, newest first: an outage of 300 publications is one line with a count. */
    alertGroups: groupAlerts(shown),
    generatedAt: new Date().toISOString(),
  };
}

export type Overview = Awaited<ReturnType<typeof overview>>;

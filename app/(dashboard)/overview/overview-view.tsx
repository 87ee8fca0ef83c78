"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { apiFetch, browserTimeZone } from "@/components/api";
import { LIVE_SAFETY_NET_MS, useLive } from "@/components/live";
import { duration, LocalTime, relativeTime } from "@/components/local-time";
import { QueryBoundary } from "@/components/states";
import { publicationLabels, publicationStates } from "@/components/status";
import type { Overview } from "@/lib/dashboard/overview";
import { AlertsPanel } from "./alerts-panel";
import { PublicationChart } from "./publication-chart";

/** Often enough to watch an outage unfold, rarely enough to cost nothing. */
const REFRESH_MS = 10_000;

const percent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.01 ? 1 : 0)} %`;

export function OverviewView() {
  const [range, setRange] = useState<"24h" | "14d">("24h");
  const live = useLive();
  const query = useQuery({
    queryKey: ["overview", range],
    queryFn: () => apiFetch<Overview>(`/api/dashboard/overview?range=${range}&tz=${encodeURIComponent(browserTimeZone())}`),
    refetchInterval: live ? LIVE_SAFETY_NET_MS : REFRESH_MS,
    placeholderData: (previous) => previous,
  });

  return (
    <QueryBoundary query={query} loadingLabel="Loading the overview…" keepDataOnError>
      {(data) => (
        <div className="space-y-6">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h1 className="text-2xl font-semibold">Overview</h1>
            <p className="text-xs text-slate-500" aria-live="polite">
              {query.isError ? (
                <span className="text-red-700">Refresh failed ({query.error.message}); showing data from </span>
              ) : (
                live ? "Live: each change shows as it happens · updated " : "Refreshes by itself every 10 s · updated "
              )}
              <LocalTime value={data.generatedAt} withSeconds />
              {query.isFetching && " · refreshing…"}
            </p>
          </div>

          <AlertsPanel groups={data.alertGroups} onChanged={() => void query.refetch()} />

          <section aria-labelledby="counts-title">
            <h2 id="counts-title" className="mb-2 text-sm font-medium text-slate-600">
              Publications by synchronisation state · {data.total.toLocaleString()} interventions
            </h2>
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8">
              {publicationStates.map((status) => (
                <li key={status}>
                  <Link
                    href={`/interventions?publication=${status}`}
                    title={`${publicationLabels[status].help} — show them`}
                    className="card block p-3 hover:border-sky-400 focus-visible:ring-2 focus-visible:ring-sky-600 focus-visible:outline-none"
                  >
                    <span className="block text-xs text-slate-600">{publicationLabels[status].label}</span>
                    <span className={`block text-2xl font-semibold tabular-nums ${status === "failed" && data.counts[status] ? "text-red-700" : ""}`}>
                      {data.counts[status].toLocaleString()}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>

          <div className="grid gap-6 lg:grid-cols-3">
            <section aria-labelledby="health-title" className="card p-4 lg:col-span-1">
              <h2 id="health-title" className="font-medium">
                Integration health
              </h2>
              <Health health={data.health} />
            </section>
            <section aria-labelledby="chart-title" className="card p-4 lg:col-span-2">
              <div className="flex items-center justify-between gap-2">
                <h2 id="chart-title" className="font-medium">
                  Publications and failed attempts
                </h2>
                <div role="group" aria-label="Period" className="flex gap-1">
                  {(["24h", "14d"] as const).map((value) => (
                    <button key={value} type="button" aria-pressed={range === value} onClick={() => setRange(value)} className={`btn py-1 ${range === value ? "btn-primary" : "btn-secondary"}`}>
                      {value === "24h" ? "Last 24 hours" : "Last 14 days"}
                    </button>
                  ))}
                </div>
              </div>
              <PublicationChart chart={data.chart} />
            </section>
          </div>
        </div>
      )}
    </QueryBoundary>
  );
}

/** Never "next probe 22 seconds ago": a probe time already past means the next call tests Symphonics. */
function probeText(probeAt: string, now = Date.now()): string {
  return new Date(probeAt).getTime() > now ? `, next trial call ${relativeTime(probeAt, now)}` : ", a trial call is due now";
}

function Health({ health }: { health: Overview["health"] }) {
  const circuit = health.circuits[0];
  const circuitText = !circuit
    ? "Closed (never opened)"
    : circuit.state === "open"
      ? `Open since ${circuit.openedAt ? relativeTime(circuit.openedAt) : "?"} — sending paused${circuit.probeAt ? probeText(circuit.probeAt) : ""}`
      : circuit.state === "half_open"
        ? "Half-open — one probe request is testing Symphonics"
        : "Closed — sending normally";
  const rows: [string, React.ReactNode, boolean?][] = [
    ["Circuit breaker", circuitText, circuit?.state === "open"],
    [
      "Jobs waiting",
      <>
        {health.queue.waiting.toLocaleString()}
        {health.queue.oldestWaitingSeconds !== null && <> · the oldest for {duration(health.queue.oldestWaitingSeconds * 1000)}</>}
        {health.queue.scheduled > 0 && <> · {health.queue.scheduled.toLocaleString()} scheduled later</>}
        {health.queue.active > 0 && <> · {health.queue.active} being sent</>}
      </>,
    ],
    ["Workers", health.workers.alive ? `${health.workers.alive} running` : "None running — nothing will be sent", health.workers.alive === 0],
    ["Last successful send", health.lastSuccessAt ? <LocalTime value={health.lastSuccessAt} withSeconds /> : "Never"],
    ["Last webhook received", health.lastWebhookAt ? <LocalTime value={health.lastWebhookAt} withSeconds /> : "Never"],
    [
      "Last hour",
      health.lastHour.attempts
        ? `${health.lastHour.attempts.toLocaleString()} requests · ${percent(health.lastHour.rateLimitedShare)} rate-limited (429) · ${percent(health.lastHour.errorShare)} errors`
        : "No requests",
      health.lastHour.errorShare > 0.2,
    ],
  ];
  return (
    <dl className="mt-3 space-y-2 text-sm">
      {rows.map(([label, value, bad]) => (
        <div key={label}>
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd className={bad ? "font-medium text-red-700" : ""}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

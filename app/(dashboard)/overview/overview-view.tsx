"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { apiFetch, browserTimeZone } from "@/components/api";
import { LIVE_SAFETY_NET_MS, useLive } from "@/components/live";
import { useFormat } from "@/components/format";
import { LocalTime } from "@/components/local-time";
import { QueryBoundary } from "@/components/states";
import { publicationStates, usePublicationLabel } from "@/components/status";
import type { Overview } from "@/lib/dashboard/overview";
import { AlertsPanel } from "./alerts-panel";
import { PublicationChart } from "./publication-chart";

/** Often enough to watch an outage unfold, rarely enough to cost nothing. */
const REFRESH_MS = 10_000;

export function OverviewView() {
  const t = useTranslations("overview");
  const format = useFormat();
  const publicationLabel = usePublicationLabel();
  const [range, setRange] = useState<"24h" | "14d">("24h");
  const live = useLive();
  const query = useQuery({
    queryKey: ["overview", range],
    queryFn: () => apiFetch<Overview>(`/api/dashboard/overview?range=${range}&tz=${encodeURIComponent(browserTimeZone())}`),
    refetchInterval: live ? LIVE_SAFETY_NET_MS : REFRESH_MS,
    placeholderData: (previous) => previous,
  });

  return (
    <QueryBoundary query={query} loadingLabel={t("loading")} keepDataOnError>
      {(data) => (
        <div className="space-y-6">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h1 className="text-2xl font-semibold">{t("title")}</h1>
            <p className="text-xs text-slate-500" aria-live="polite">
              {query.isError ? (
                <span className="text-red-700">{t("refreshFailed", { error: query.error.message })} </span>
              ) : (
                `${live ? t("live") : t("refreshes")} `
              )}
              <LocalTime value={data.generatedAt} withSeconds />
              {query.isFetching && ` · ${t("refreshing")}`}
            </p>
          </div>

          <AlertsPanel groups={data.alertGroups} onChanged={() => void query.refetch()} />

          <section aria-labelledby="counts-title">
            <h2 id="counts-title" className="mb-2 text-sm font-medium text-slate-600">
              {t("countsTitle", { total: data.total, formatted: format.number(data.total) })}
            </h2>
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8">
              {publicationStates.map((status) => (
                <li key={status}>
                  <Link
                    href={`/interventions?publication=${status}`}
                    title={t("showThem", { help: publicationLabel(status).help })}
                    className="card block p-3 hover:border-sky-400 focus-visible:ring-2 focus-visible:ring-sky-600 focus-visible:outline-none"
                  >
                    <span className="block text-xs text-slate-600">{publicationLabel(status).label}</span>
                    <span className={`block text-2xl font-semibold tabular-nums ${status === "failed" && data.counts[status] ? "text-red-700" : ""}`}>
                      {format.number(data.counts[status])}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>

          <div className="grid gap-6 lg:grid-cols-3">
            <section aria-labelledby="health-title" className="card p-4 lg:col-span-1">
              <h2 id="health-title" className="font-medium">
                {t("health")}
              </h2>
              <Health health={data.health} />
            </section>
            <section aria-labelledby="chart-title" className="card p-4 lg:col-span-2">
              <div className="flex items-center justify-between gap-2">
                <h2 id="chart-title" className="font-medium">
                  {t("chartTitle")}
                </h2>
                <div role="group" aria-label={t("period")} className="flex gap-1">
                  {(["24h", "14d"] as const).map((value) => (
                    <button key={value} type="button" aria-pressed={range === value} onClick={() => setRange(value)} className={`btn py-1 ${range === value ? "btn-primary" : "btn-secondary"}`}>
                      {value === "24h" ? t("last24h") : t("last14d")}
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

function Health({ health }: { health: Overview["health"] }) {
  const t = useTranslations("overview.healthRows");
  const format = useFormat();
  const circuit = health.circuits[0];
  // Never "next probe 22 seconds ago": a probe time already past means the next call tests Symphonics.
  const probe = circuit?.probeAt ? (new Date(circuit.probeAt) > format.now ? t("probeAt", { when: format.relative(circuit.probeAt) }) : t("probeDue")) : "";
  const circuitText = !circuit
    ? t("circuitNeverOpened")
    : circuit.state === "open"
      ? t("circuitOpen", { since: circuit.openedAt ? format.relative(circuit.openedAt) : "?", probe })
      : circuit.state === "half_open"
        ? t("circuitHalfOpen")
        : t("circuitClosed");
  const rows: [string, ReactNode, boolean?][] = [
    [t("circuit"), circuitText, circuit?.state === "open"],
    [
      t("jobsWaiting"),
      <>
        {format.number(health.queue.waiting)}
        {health.queue.oldestWaitingSeconds !== null && ` · ${t("oldestFor", { duration: format.duration(health.queue.oldestWaitingSeconds * 1000) })}`}
        {health.queue.scheduled > 0 && ` · ${t("scheduledLater", { count: health.queue.scheduled, formatted: format.number(health.queue.scheduled) })}`}
        {health.queue.active > 0 && ` · ${t("beingSent", { count: health.queue.active })}`}
      </>,
    ],
    [t("workers"), health.workers.alive ? t("workersRunning", { count: health.workers.alive }) : t("noWorkers"), health.workers.alive === 0],
    [t("lastSuccess"), health.lastSuccessAt ? <LocalTime value={health.lastSuccessAt} withSeconds /> : t("never")],
    [t("lastWebhook"), health.lastWebhookAt ? <LocalTime value={health.lastWebhookAt} withSeconds /> : t("never")],
    [
      t("lastHour"),
      health.lastHour.attempts
        ? t("lastHourFigures", {
            attempts: format.number(health.lastHour.attempts),
            rateLimited: format.percent(health.lastHour.rateLimitedShare),
            errors: format.percent(health.lastHour.errorShare),
          })
        : t("noRequests"),
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

"use client";

import { useTranslations } from "next-intl";
import { useFormat } from "@/components/format";
import { EmptyState } from "@/components/states";
import type { Overview } from "@/lib/dashboard/overview";

const HEIGHT = 160;

/** Paired bars per hour or day: publications in green, failed attempts in red; a table for screen readers. */
export function PublicationChart({ chart }: { chart: Overview["chart"] }) {
  const t = useTranslations("chart");
  const format = useFormat();
  const max = Math.max(1, ...chart.points.flatMap((p) => [p.published, p.failed]));
  const label = (bucket: string) => format.time(bucket, chart.unit === "hour" ? "hourOfDay" : "day");
  if (chart.points.every((p) => p.published === 0 && p.failed === 0)) {
    return <EmptyState title={t("emptyTitle")}>{t("emptyMessage")}</EmptyState>;
  }
  const width = 100 / chart.points.length;
  return (
    <figure className="mt-4">
      <div aria-hidden className="flex items-end gap-px border-b border-slate-300" style={{ height: HEIGHT }}>
        {chart.points.map((point) => (
          <div
            key={point.bucket}
            className="flex h-full items-end justify-center gap-px"
            style={{ width: `${width}%` }}
            title={t("barTitle", { period: label(point.bucket), published: point.published, failed: point.failed })}
          >
            <div className="w-1/3 rounded-t bg-emerald-500" style={{ height: `${(point.published / max) * 100}%` }} />
            <div className="w-1/3 rounded-t bg-red-500" style={{ height: `${(point.failed / max) * 100}%` }} />
          </div>
        ))}
      </div>
      <div aria-hidden className="mt-1 flex text-[10px] text-slate-500">
        {chart.points.map((point, index) => (
          <span key={point.bucket} className="text-center" style={{ width: `${width}%` }}>
            {index % Math.ceil(chart.points.length / 8) === 0 ? label(point.bucket) : ""}
          </span>
        ))}
      </div>
      <figcaption className="mt-2 flex gap-4 text-xs text-slate-600">
        <span>
          <span aria-hidden className="mr-1 inline-block h-2 w-2 rounded-sm bg-emerald-500" />
          {t("publishedTotal", { count: format.number(chart.points.reduce((sum, p) => sum + p.published, 0)) })}
        </span>
        <span>
          <span aria-hidden className="mr-1 inline-block h-2 w-2 rounded-sm bg-red-500" />
          {t("failedTotal", { count: format.number(chart.points.reduce((sum, p) => sum + p.failed, 0)) })}
        </span>
      </figcaption>
      <table className="sr-only">
        <caption>{t("caption", { unit: t(`units.${chart.unit}`) })}</caption>
        <thead>
          <tr>
            <th>{t("periodStarting")}</th>
            <th>{t("published")}</th>
            <th>{t("failed")}</th>
          </tr>
        </thead>
        <tbody>
          {chart.points.map((p) => (
            <tr key={p.bucket}>
              <td>{label(p.bucket)}</td>
              <td>{p.published}</td>
              <td>{p.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

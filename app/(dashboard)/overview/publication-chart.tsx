"use client";

import { formatLocal } from "@/components/local-time";
import { EmptyState } from "@/components/states";
import type { Overview } from "@/lib/dashboard/overview";

const HEIGHT = 160;

/** Paired bars per hour or day: publications in green, failed attempts in red; a table for screen readers. */
export function PublicationChart({ chart }: { chart: Overview["chart"] }) {
  const max = Math.max(1, ...chart.points.flatMap((p) => [p.published, p.failed]));
  const label = (bucket: string) => formatLocal(bucket, chart.unit === "hour" ? "hourOfDay" : "day");
  if (chart.points.every((p) => p.published === 0 && p.failed === 0)) {
    return <EmptyState title="Nothing was sent in this period.">Publications and failed attempts will appear here.</EmptyState>;
  }
  const width = 100 / chart.points.length;
  return (
    <figure className="mt-4">
      <div aria-hidden className="flex items-end gap-px border-b border-slate-300" style={{ height: HEIGHT }}>
        {chart.points.map((point) => (
          <div key={point.bucket} className="flex h-full items-end justify-center gap-px" style={{ width: `${width}%` }} title={`${label(point.bucket)}: ${point.published} published, ${point.failed} failed attempts`}>
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
          Published ({chart.points.reduce((sum, p) => sum + p.published, 0).toLocaleString()})
        </span>
        <span>
          <span aria-hidden className="mr-1 inline-block h-2 w-2 rounded-sm bg-red-500" />
          Failed attempts ({chart.points.reduce((sum, p) => sum + p.failed, 0).toLocaleString()})
        </span>
      </figcaption>
      <table className="sr-only">
        <caption>Publications and failed attempts per {chart.unit}</caption>
        <thead>
          <tr>
            <th>Period starting</th>
            <th>Published</th>
            <th>Failed attempts</th>
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

"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { AttentionKind, AttentionList } from "@/lib/dashboard/attention";
import { apiFetch } from "@/components/api";
import { ConfirmButton } from "@/components/confirm-button";
import { LocalTime } from "@/components/local-time";
import { useViewer } from "@/components/providers";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { PublicationBadge } from "@/components/status";
import { retryAll, type RetryOutcome } from "./bulk-retry";

const KINDS: { value: AttentionKind | ""; label: string }[] = [
  { value: "", label: "Everything" },
  { value: "failed", label: "Failed" },
  { value: "needs_review", label: "Needs review" },
  { value: "rejected", label: "Rejected" },
  { value: "stuck", label: "Stuck" },
];

interface BulkRun {
  total: number;
  done: number;
  failures: Extract<RetryOutcome, { ok: false }>[];
  finished: boolean;
}

/** Default for "failed since": the start of the staff member's day. */
function startOfToday(): string {
  const now = new Date();
  const local = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, "0")}-${String(local.getDate()).padStart(2, "0")}T00:00`;
}

export function AttentionView() {
  const viewer = useViewer();
  const client = useQueryClient();
  const [kind, setKind] = useState<AttentionKind | "">("");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [since, setSince] = useState(startOfToday);
  const [run, setRun] = useState<BulkRun | null>(null);
  const cursor = cursors.at(-1) ?? null;

  const query = useQuery({
    queryKey: ["attention", kind, cursor],
    queryFn: () => apiFetch<AttentionList>(`/api/dashboard/attention?${new URLSearchParams({ ...(kind ? { kind } : {}), ...(cursor ? { cursor } : {}) })}`),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });

  const running = run !== null && !run.finished;

  async function retry(references: string[]) {
    setRun({ total: references.length, done: 0, failures: [], finished: false });
    const outcomes = await retryAll(references, (outcome, done) =>
      setRun((current) => current && { ...current, done, failures: outcome.ok ? current.failures : [...current.failures, outcome] }),
    );
    setRun({ total: references.length, done: outcomes.length, failures: outcomes.flatMap((o) => (o.ok ? [] : [o])), finished: true });
    setSelected(new Set());
    await client.invalidateQueries({ queryKey: ["attention"] });
  }

  async function retryFailedSince() {
    const sinceIso = new Date(since).toISOString();
    setRun({ total: 0, done: 0, failures: [], finished: false });
    const references: string[] = [];
    let next: string | null = null;
    try {
      do {
        const page: AttentionList = await apiFetch<AttentionList>(
          `/api/dashboard/attention?${new URLSearchParams({ failedSince: sinceIso, limit: "500", ...(next ? { cursor: next } : {}) })}`,
        );
        references.push(...page.items.map((item) => item.reference));
        next = page.nextCursor;
      } while (next);
    } catch (error) {
      setRun({ total: 0, done: 0, failures: [{ reference: "—", ok: false, message: error instanceof Error ? error.message : String(error) }], finished: true });
      return;
    }
    await retry(references);
  }

  const items = query.data?.items ?? [];
  const allSelected = items.length > 0 && items.every((item) => selected.has(item.reference));

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">Needs attention</h1>
        <p className="text-sm text-slate-600">Publications a person must look at: failed after every retry, data to correct, rejected by Symphonics, or stuck longer than expected.</p>
      </div>

      <div className="flex flex-wrap items-end justify-between gap-4">
        <div role="tablist" aria-label="Reason" className="flex flex-wrap gap-1">
          {KINDS.map((option) => (
            <button
              key={option.value}
              role="tab"
              aria-selected={kind === option.value}
              type="button"
              onClick={() => {
                setKind(option.value);
                setCursors([null]);
                setSelected(new Set());
              }}
              className={`btn py-1 ${kind === option.value ? "btn-primary" : "btn-secondary"}`}
            >
              {option.label}
            </button>
          ))}
        </div>
        {viewer.can("operator") && (
          <div className="flex flex-wrap items-end gap-2">
            <ConfirmButton
              title={`Retry ${selected.size} publication${selected.size === 1 ? "" : "s"}`}
              message="Each selected publication is sent to Symphonics again now. Those whose data still has problems are refused and listed afterwards."
              confirmLabel="Retry selected"
              onConfirm={() => void retry([...selected])}
              disabled={selected.size === 0 || running}
            >
              Retry selected ({selected.size})
            </ConfirmButton>
            <div>
              <label htmlFor="failed-since" className="block text-xs font-medium text-slate-600">
                Failed since (your time)
              </label>
              <input id="failed-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} className="input mt-1" />
            </div>
            <ConfirmButton
              className="btn btn-secondary"
              title="Retry everything that failed since then"
              message={
                <>
                  Every publication that failed since <strong>{since ? new Date(since).toLocaleString() : "?"}</strong> is sent again now, in small parallel batches.
                </>
              }
              confirmLabel="Retry them all"
              onConfirm={() => void retryFailedSince()}
              disabled={!since || running}
            >
              Retry everything failed since…
            </ConfirmButton>
          </div>
        )}
      </div>

      {run && (
        <div role="status" aria-live="polite" className={`rounded-md border p-3 text-sm ${run.finished && run.failures.length ? "border-amber-300 bg-amber-50" : "border-sky-200 bg-sky-50"}`}>
          {!run.finished ? (
            <>
              <p>{run.total ? `Requesting retries: ${run.done} of ${run.total}…` : "Finding what failed…"}</p>
              {run.total > 0 && (
                <progress className="mt-2 w-full" max={run.total} value={run.done}>
                  {run.done} of {run.total}
                </progress>
              )}
            </>
          ) : (
            <>
              <p className="font-medium">
                {run.total === 0 && run.failures.length === 0
                  ? "Nothing failed in that period."
                  : `${run.total - run.failures.length} of ${run.total} retries requested.`}
                {run.failures.length > 0 && ` ${run.failures.length} could not be retried:`}
              </p>
              {run.failures.length > 0 && (
                <ul className="mt-1 list-disc pl-5">
                  {run.failures.slice(0, 20).map((failure) => (
                    <li key={failure.reference}>
                      <span className="font-mono text-xs">{failure.reference}</span>: {failure.message}
                    </li>
                  ))}
                  {run.failures.length > 20 && <li>…and {run.failures.length - 20} more.</li>}
                </ul>
              )}
              <button type="button" className="btn btn-secondary mt-2 py-1" onClick={() => setRun(null)}>
                Dismiss
              </button>
            </>
          )}
        </div>
      )}

      <section aria-label="Publications needing attention" className="card overflow-hidden">
        {query.isPending ? (
          <LoadingState label="Loading what needs attention…" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="Nothing needs attention.">Every publication is on its way or done.</EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-50 text-xs text-slate-600">
                <tr>
                  {viewer.can("operator") && (
                    <th scope="col" className="w-8 px-3 py-2">
                      <input
                        type="checkbox"
                        aria-label="Select every row on this page"
                        checked={allSelected}
                        onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((item) => item.reference)))}
                      />
                    </th>
                  )}
                  <th scope="col" className="px-3 py-2">Reference</th>
                  <th scope="col" className="px-3 py-2">Beneficiary</th>
                  <th scope="col" className="px-3 py-2">State</th>
                  <th scope="col" className="px-3 py-2">Reason</th>
                  <th scope="col" className="px-3 py-2">Since</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((item) => (
                  <tr key={item.reference} className={selected.has(item.reference) ? "bg-sky-50" : "hover:bg-slate-50"}>
                    {viewer.can("operator") && (
                      <td className="px-3 py-2">
                        <input
                          type="checkbox"
                          aria-label={`Select ${item.reference}`}
                          checked={selected.has(item.reference)}
                          onChange={() => {
                            const next = new Set(selected);
                            if (next.has(item.reference)) next.delete(item.reference);
                            else next.add(item.reference);
                            setSelected(next);
                          }}
                        />
                      </td>
                    )}
                    <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">
                      <Link href={`/interventions/${encodeURIComponent(item.reference)}`} className="text-sky-800 hover:underline">
                        {item.reference}
                      </Link>
                    </td>
                    <td className="px-3 py-2">
                      {item.beneficiaryName} <span className="text-slate-500">{item.city}</span>
                    </td>
                    <td className="px-3 py-2">
                      <PublicationBadge status={item.publicationStatus} />
                    </td>
                    <td className="px-3 py-2 text-slate-800">{item.reason}</td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      <LocalTime value={item.lastErrorAt ?? item.updatedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav aria-label="Pages" className="flex items-center justify-end gap-2 border-t border-slate-200 px-3 py-2">
          <button type="button" className="btn btn-secondary py-1" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous
          </button>
          <button type="button" className="btn btn-secondary py-1" disabled={!query.data?.nextCursor} onClick={() => setCursors([...cursors, query.data!.nextCursor])}>
            Next
          </button>
        </nav>
      </section>
    </div>
  );
}

"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { InterventionList } from "@/lib/dashboard/interventions";
import { apiFetch, browserTimeZone } from "@/components/api";
import { LocalTime } from "@/components/local-time";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { interventionLabels, interventionStates, PublicationBadge, publicationLabels, publicationStates } from "@/components/status";

const SORTS = { updated_desc: "Most recent change first", updated_asc: "Oldest change first", reference_asc: "Reference A→Z", reference_desc: "Reference Z→A" };
const FILTER_KEYS = ["publication", "status", "q", "from", "to", "sort"] as const;

/** The list's state lives in the URL (filters and page), so a view can be bookmarked or shared. */
export function InterventionsView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  // Earlier pages' cursors, for "Previous": keyset pages can only be walked forward from a cursor.
  const [previousCursors, setPreviousCursors] = useState<(string | null)[]>([]);

  const selected = new Set((params.get("publication") ?? "").split(",").filter(Boolean));
  const cursor = params.get("cursor");
  const apiParams = new URLSearchParams();
  for (const key of FILTER_KEYS) if (params.get(key)) apiParams.set(key, params.get(key)!);
  if (cursor) apiParams.set("cursor", cursor);
  apiParams.set("tz", browserTimeZone());

  const query = useQuery({
    queryKey: ["interventions", apiParams.toString()],
    queryFn: () => apiFetch<InterventionList>(`/api/dashboard/interventions?${apiParams}`),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });

  function update(changes: Record<string, string | null>, keepPage = false) {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!keepPage) {
      next.delete("cursor");
      setPreviousCursors([]);
    }
    router.replace(`${pathname}?${next}`, { scroll: false });
  }

  function togglePublication(status: string) {
    const next = new Set(selected);
    if (next.has(status)) next.delete(status);
    else next.add(status);
    update({ publication: [...next].join(",") || null });
  }

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget).get("q") ?? "").trim();
    update({ q: q || null });
  }

  const filtered = FILTER_KEYS.some((key) => key !== "sort" && params.get(key));
  // Filtered by synchronisation state, "change" means the publication entering its state.
  const byState = selected.size > 0;
  const changeLabel = byState ? "In this state since" : "Last change";

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Interventions</h1>

      <section aria-label="Filters" className="card space-y-3 p-4">
        <fieldset>
          <legend className="text-xs font-medium text-slate-600">Synchronisation state</legend>
          <div className="mt-1 flex flex-wrap gap-2">
            {publicationStates.map((status) => (
              <label key={status} className={`cursor-pointer rounded-full border px-3 py-1 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-sky-600 ${selected.has(status) ? "border-sky-700 bg-sky-700 text-white" : "border-slate-300 bg-white hover:bg-slate-50"}`}>
                <input type="checkbox" className="sr-only" checked={selected.has(status)} onChange={() => togglePublication(status)} />
                {publicationLabels[status].label}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex flex-wrap items-end gap-3">
          <form onSubmit={search} className="flex items-end gap-2" role="search">
            <div>
              <label htmlFor="q" className="block text-xs font-medium text-slate-600">
                Search reference, beneficiary or city
              </label>
              <input id="q" name="q" type="search" minLength={3} defaultValue={params.get("q") ?? ""} key={params.get("q")} placeholder="At least 3 characters" className="input mt-1 w-64" />
            </div>
            <button type="submit" className="btn btn-secondary">
              Search
            </button>
          </form>
          <div>
            <label htmlFor="status" className="block text-xs font-medium text-slate-600">
              Intervention status
            </label>
            <select id="status" value={params.get("status") ?? ""} onChange={(e) => update({ status: e.target.value || null })} className="input mt-1">
              <option value="">Any</option>
              {interventionStates.map((status) => (
                <option key={status} value={status}>
                  {interventionLabels[status]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="from" className="block text-xs font-medium text-slate-600">
              {changeLabel} — from
            </label>
            <input id="from" type="date" value={params.get("from") ?? ""} max={params.get("to") ?? undefined} onChange={(e) => update({ from: e.target.value || null })} className="input mt-1" />
          </div>
          <div>
            <label htmlFor="to" className="block text-xs font-medium text-slate-600">
              to
            </label>
            <input id="to" type="date" value={params.get("to") ?? ""} min={params.get("from") ?? undefined} onChange={(e) => update({ to: e.target.value || null })} className="input mt-1" />
          </div>
          <div>
            <label htmlFor="sort" className="block text-xs font-medium text-slate-600">
              Sort by
            </label>
            <select id="sort" value={params.get("sort") ?? "updated_desc"} onChange={(e) => update({ sort: e.target.value === "updated_desc" ? null : e.target.value })} className="input mt-1">
              {Object.entries(SORTS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          {filtered && (
            <button type="button" className="btn btn-secondary" onClick={() => update(Object.fromEntries(FILTER_KEYS.map((key) => [key, null])))}>
              Clear filters
            </button>
          )}
        </div>
      </section>

      <section aria-label="Results" className="card overflow-hidden">
        {query.isPending ? (
          <LoadingState label="Loading interventions…" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : query.data.items.length === 0 ? (
          <EmptyState title={filtered ? "No intervention matches these filters." : "No interventions yet."}>
            {filtered ? "Loosen or clear the filters." : "They appear here as soon as the workforce application sends them."}
          </EmptyState>
        ) : (
          <div className={`overflow-x-auto transition-opacity ${query.isPlaceholderData ? "opacity-60" : ""}`} aria-busy={query.isFetching}>
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-50 text-xs text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2">Reference</th>
                  <th scope="col" className="px-3 py-2">Beneficiary</th>
                  <th scope="col" className="px-3 py-2">City</th>
                  <th scope="col" className="px-3 py-2">Intervention</th>
                  <th scope="col" className="px-3 py-2">Synchronisation</th>
                  <th scope="col" className="px-3 py-2 text-right">Attempts</th>
                  <th scope="col" className="px-3 py-2">{query.data.orderedBy === "publicationChangedAt" ? "In this state since" : "Last change"}</th>
                  <th scope="col" className="hidden px-3 py-2 xl:table-cell">Last error</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {query.data.items.map((item) => (
                  <tr key={item.id} className="hover:bg-slate-50">
                    <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">
                      <Link href={`/interventions/${encodeURIComponent(item.reference)}`} className="text-sky-800 underline-offset-2 hover:underline">
                        {item.reference}
                      </Link>
                    </td>
                    <td className="px-3 py-2">{item.beneficiaryName}</td>
                    <td className="px-3 py-2">
                      {item.city} <span className="text-slate-500">{item.postalCode}</span>
                    </td>
                    <td className="px-3 py-2">{interventionLabels[item.status]}</td>
                    <td className="px-3 py-2">
                      <PublicationBadge status={item.publicationStatus} />
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{item.attemptCount}</td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      <LocalTime value={query.data.orderedBy === "publicationChangedAt" ? item.publicationChangedAt : item.updatedAt} />
                    </td>
                    <td className="hidden max-w-xs truncate px-3 py-2 text-slate-600 xl:table-cell" title={item.lastErrorMessage ?? undefined}>
                      {item.lastErrorMessage ?? ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav aria-label="Pages" className="flex items-center justify-between border-t border-slate-200 px-3 py-2 text-sm">
          <span className="text-slate-600">{query.data ? `Page ${previousCursors.length + 1} · ${query.data.items.length} shown` : ""}</span>
          <div className="flex gap-2">
            <button
              type="button"
              className="btn btn-secondary py-1"
              disabled={previousCursors.length === 0}
              onClick={() => {
                const back = previousCursors.at(-1) ?? null;
                setPreviousCursors(previousCursors.slice(0, -1));
                update({ cursor: back }, true);
              }}
            >
              Previous
            </button>
            <button
              type="button"
              className="btn btn-secondary py-1"
              disabled={!query.data?.nextCursor}
              onClick={() => {
                setPreviousCursors([...previousCursors, cursor]);
                update({ cursor: query.data!.nextCursor }, true);
              }}
            >
              Next
            </button>
          </div>
        </nav>
      </section>
    </div>
  );
}

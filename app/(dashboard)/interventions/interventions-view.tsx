"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { apiFetch, browserTimeZone } from "@/components/api";
import { LIVE_SAFETY_NET_MS, useLive } from "@/components/live";
import { QueryBoundary } from "@/components/states";
import type { InterventionList, SyncStateTotals } from "@/lib/dashboard/interventions";
import { FILTER_KEYS, FiltersBar, isFiltered, TOTALS_KEYS } from "./filters-bar";
import { InterventionsTable } from "./interventions-table";
import { isUnderway } from "@/lib/publication/status";

/** The list's state lives in the URL (filters and page), so a view can be bookmarked or shared. */
export function InterventionsView() {
  const live = useLive();
  const t = useTranslations("interventions");
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  // Earlier pages' cursors, for "Previous": keyset pages can only be walked forward from a cursor.
  const [previousCursors, setPreviousCursors] = useState<(string | null)[]>([]);

  const cursor = params.get("cursor");
  const apiParams = new URLSearchParams();
  for (const key of FILTER_KEYS) if (params.get(key)) apiParams.set(key, params.get(key)!);
  if (cursor) apiParams.set("cursor", cursor);
  apiParams.set("tz", browserTimeZone());

  const query = useQuery({
    queryKey: ["interventions", apiParams.toString()],
    queryFn: () => apiFetch<InterventionList>(`/api/dashboard/interventions?${apiParams}`),
    placeholderData: keepPreviousData,
    // Changes arrive as events (components/live.tsx); without them, polling tightens while a row is on its way.
    refetchInterval: (q) => (live ? LIVE_SAFETY_NET_MS : q.state.data?.items.some((item) => isUnderway(item.publicationStatus)) ? 1_000 : 30_000),
  });

  // The chips' totals: counted under every filter but the state, asked apart and less often than the page.
  const totalsParams = new URLSearchParams();
  for (const key of TOTALS_KEYS) if (params.get(key)) totalsParams.set(key, params.get(key)!);
  totalsParams.set("tz", browserTimeZone());
  const totals = useQuery({
    queryKey: ["publication-totals", totalsParams.toString()],
    queryFn: () => apiFetch<SyncStateTotals>(`/api/dashboard/publication-totals?${totalsParams}`),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
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

  const filtered = isFiltered(params);

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>

      <FiltersBar params={params} totals={totals.data} update={(changes) => update(changes)} />

      <section aria-label={t("results")} className="card overflow-hidden">
        <QueryBoundary
          query={query}
          loadingLabel={t("loading")}
          empty={{
            when: (list) => list.items.length === 0,
            title: filtered ? t("noMatch") : t("none"),
            message: filtered ? t("noMatchHint") : t("noneHint"),
          }}
        >
          {(list) => <InterventionsTable list={list} stale={query.isPlaceholderData} fetching={query.isFetching} />}
        </QueryBoundary>
        <nav aria-label={t("pages")} className="flex items-center justify-between border-t border-slate-200 px-3 py-2 text-sm">
          <span className="text-slate-600">{query.data ? t("page", { page: previousCursors.length + 1, shown: query.data.items.length }) : ""}</span>
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
              {t("previous")}
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
              {t("next")}
            </button>
          </div>
        </nav>
      </section>
    </div>
  );
}

"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { apiFetch } from "@/components/api";
import { LIVE_SAFETY_NET_MS, useLive } from "@/components/live";
import { useViewer } from "@/components/providers";
import { QueryBoundary } from "@/components/states";
import type { AttentionKind, AttentionList } from "@/lib/dashboard/attention";
import { AttentionTable } from "./attention-table";
import { BulkRetryBar, BulkRunStatus } from "./bulk-retry-bar";
import { useBulkRetry } from "./bulk-retry";

/** The tabs; "" is everything. Their words are the catalogue's `attention.kinds`. */
const KINDS: (AttentionKind | "")[] = ["", "failed", "needs_review", "rejected", "stuck"];

/** What select-all leaves out on this page, grouped by why. */
function LeftOut({ items }: { items: AttentionList["items"] }) {
  const t = useTranslations("attention");
  const reasons = new Map<string, number>();
  for (const item of items) if (item.retryBlocker) reasons.set(item.retryBlocker, (reasons.get(item.retryBlocker) ?? 0) + 1);
  if (reasons.size === 0) return null;
  const count = [...reasons.values()].reduce((a, b) => a + b, 0);
  return (
    <div className="border-b border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700" id="left-out">
      <p>
        {t("leftOut", { count, total: items.length })}
      </p>
      <ul className="list-disc pl-5">
        {[...reasons].map(([reason, n]) => (
          <li key={reason}>
            {t("leftOutReason", { count: n, reason })}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function AttentionView() {
  const t = useTranslations("attention");
  const viewer = useViewer();
  const client = useQueryClient();
  const live = useLive();
  const [kind, setKind] = useState<AttentionKind | "">("");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const cursor = cursors.at(-1) ?? null;

  const query = useQuery({
    queryKey: ["attention", kind, cursor],
    queryFn: () => apiFetch<AttentionList>(`/api/dashboard/attention?${new URLSearchParams({ ...(kind ? { kind } : {}), ...(cursor ? { cursor } : {}) })}`),
    placeholderData: keepPreviousData,
    refetchInterval: live ? LIVE_SAFETY_NET_MS : 15_000,
  });

  const bulk = useBulkRetry(async () => {
    setSelected(new Set());
    await client.invalidateQueries({ queryKey: ["attention"] });
  });

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-sm text-slate-600">{t("intro")}</p>
      </div>

      <div className="flex flex-wrap items-end justify-between gap-4">
        <div role="tablist" aria-label={t("reason")} className="flex flex-wrap gap-1">
          {KINDS.map((option) => (
            <button
              key={option}
              role="tab"
              aria-selected={kind === option}
              type="button"
              onClick={() => {
                setKind(option);
                setCursors([null]);
                setSelected(new Set());
              }}
              className={`btn py-1 ${kind === option ? "btn-primary" : "btn-secondary"}`}
            >
              {t(`kinds.${option || "all"}`)}
            </button>
          ))}
        </div>
        {viewer.can("operator") && (
          <BulkRetryBar
            selectedCount={selected.size}
            running={bulk.running}
            onRetrySelected={() => void bulk.retry([...selected])}
            onRetryFailedSince={(since) => void bulk.retryFailedSince(since)}
          />
        )}
      </div>

      {bulk.run && <BulkRunStatus run={bulk.run} onDismiss={bulk.dismiss} />}

      <section aria-label={t("listLabel")} className="card overflow-hidden">
        <QueryBoundary
          query={query}
          loadingLabel={t("loading")}
          empty={{ when: (data) => data.items.length === 0, title: t("emptyTitle"), message: t("emptyMessage") }}
        >
          {(data) => (
            <>
              {viewer.can("operator") && <LeftOut items={data.items} />}
              <AttentionTable items={data.items} selectable={viewer.can("operator")} selected={selected} onSelectedChange={setSelected} />
            </>
          )}
        </QueryBoundary>
        <nav aria-label={t("pages")} className="flex items-center justify-end gap-2 border-t border-slate-200 px-3 py-2">
          <button type="button" className="btn btn-secondary py-1" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            {t("previous")}
          </button>
          <button type="button" className="btn btn-secondary py-1" disabled={!query.data?.nextCursor} onClick={() => setCursors([...cursors, query.data!.nextCursor])}>
            {t("next")}
          </button>
        </nav>
      </section>
    </div>
  );
}

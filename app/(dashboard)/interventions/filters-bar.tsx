import { useTranslations } from "next-intl";
import type { FormEvent } from "react";
import type { SyncStateTotals } from "@/lib/dashboard/interventions";
import { interventionStates, publicationStates, useInterventionLabel, usePublicationLabel } from "@/components/status";

/** The list's orders; their words are the catalogue's `filters.sorts`. */
const SORTS = ["updated_desc", "updated_asc", "reference_asc", "reference_desc"] as const;
export const FILTER_KEYS = ["publication", "status", "q", "from", "to", "sort"] as const;
/** The filters each state's total is counted under: all but the state itself (and the order). */
export const TOTALS_KEYS = ["status", "q", "from", "to"] as const;

/** Whether anything narrows the list (a sort order alone does not). */
export const isFiltered = (params: URLSearchParams) => FILTER_KEYS.some((key) => key !== "sort" && params.get(key));

/** The list's filters, read from and written to the URL. */
export function FiltersBar({
  params,
  totals,
  update,
}: {
  params: URLSearchParams;
  /** How many each state's chip would list; absent while they load. */
  totals?: SyncStateTotals;
  /** Sets (or, given null, removes) query parameters and starts again from the first page. */
  update: (changes: Record<string, string | null>) => void;
}) {
  const t = useTranslations("filters");
  const publicationLabel = usePublicationLabel();
  const interventionLabel = useInterventionLabel();
  const selected = new Set((params.get("publication") ?? "").split(",").filter(Boolean));
  const filtered = isFiltered(params);
  // Filtered by synchronisation state, "change" means the publication entering its state.
  const changeLabel = selected.size > 0 ? t("inStateSince") : t("lastChange");

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

  return (
    <section aria-label={t("label")} className="card space-y-3 p-4">
      <fieldset>
        <legend className="text-xs font-medium text-slate-600">
          {t("syncState")}
          {totals && (
            <span className="font-normal">
              {" · "}
              {totals.cancelled > 0 ? t("totalsWithCancelled", { total: totals.total, cancelled: totals.cancelled }) : t("totals", { total: totals.total })}
            </span>
          )}
        </legend>
        <div className="mt-1 flex flex-wrap gap-2">
          {publicationStates.map((status) => (
            <label key={status} className={`cursor-pointer rounded-full border px-3 py-1 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-sky-600 ${selected.has(status) ? "border-sky-700 bg-sky-700 text-white" : "border-slate-300 bg-white hover:bg-slate-50"}`}>
              <input type="checkbox" className="sr-only" checked={selected.has(status)} onChange={() => togglePublication(status)} />
              {publicationLabel(status).label}
              {totals && (
                <span className={`ml-1.5 tabular-nums ${selected.has(status) ? "text-sky-100" : "text-slate-500"}`}>
                  {t("count", { count: totals.byState[status] })}
                  {status === "not_ready" && totals.cancelled > 0 && <span className="sr-only">{t("includingCancelled", { cancelled: totals.cancelled })}</span>}
                </span>
              )}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap items-end gap-3">
        <form onSubmit={search} className="flex items-end gap-2" role="search">
          <div>
            <label htmlFor="q" className="block text-xs font-medium text-slate-600">
              {t("search")}
            </label>
            <input id="q" name="q" type="search" minLength={3} defaultValue={params.get("q") ?? ""} key={params.get("q")} placeholder={t("searchPlaceholder")} className="input mt-1 w-64" />
          </div>
          <button type="submit" className="btn btn-secondary">
            {t("searchButton")}
          </button>
        </form>
        <div>
          <label htmlFor="status" className="block text-xs font-medium text-slate-600">
            {t("interventionStatus")}
          </label>
          <select id="status" value={params.get("status") ?? ""} onChange={(e) => update({ status: e.target.value || null })} className="input mt-1">
            <option value="">{t("any")}</option>
            {interventionStates.map((status) => (
              <option key={status} value={status}>
                {interventionLabel(status)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="from" className="block text-xs font-medium text-slate-600">
            {t("from", { change: changeLabel })}
          </label>
          <input id="from" type="date" value={params.get("from") ?? ""} max={params.get("to") ?? undefined} onChange={(e) => update({ from: e.target.value || null })} className="input mt-1" />
        </div>
        <div>
          <label htmlFor="to" className="block text-xs font-medium text-slate-600">
            {t("to")}
          </label>
          <input id="to" type="date" value={params.get("to") ?? ""} min={params.get("from") ?? undefined} onChange={(e) => update({ to: e.target.value || null })} className="input mt-1" />
        </div>
        <div>
          <label htmlFor="sort" className="block text-xs font-medium text-slate-600">
            {t("sortBy")}
          </label>
          <select id="sort" value={params.get("sort") ?? "updated_desc"} onChange={(e) => update({ sort: e.target.value === "updated_desc" ? null : e.target.value })} className="input mt-1">
            {SORTS.map((value) => (
              <option key={value} value={value}>
                {t(`sorts.${value}`)}
              </option>
            ))}
          </select>
        </div>
        {filtered && (
          <button type="button" className="btn btn-secondary" onClick={() => update(Object.fromEntries(FILTER_KEYS.map((key) => [key, null])))}>
            {t("clear")}
          </button>
        )}
      </div>
    </section>
  );
}

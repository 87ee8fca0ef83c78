import { useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { useFormat } from "@/components/format";
import type { BulkRun } from "./bulk-retry";

/** Default for "failed since": the start of the staff member's day. */
function startOfToday(): string {
  const now = new Date();
  const local = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, "0")}-${String(local.getDate()).padStart(2, "0")}T00:00`;
}

/** Retry the selected rows, or everything that failed since a time (operators and admins). */
export function BulkRetryBar({
  selectedCount,
  running,
  onRetrySelected,
  onRetryFailedSince,
}: {
  selectedCount: number;
  running: boolean;
  onRetrySelected: () => void;
  onRetryFailedSince: (since: string) => void;
}) {
  const t = useTranslations("bulkRetry");
  const format = useFormat();
  const [since, setSince] = useState(startOfToday);
  return (
    <div className="flex flex-wrap items-end gap-2">
      <ConfirmButton
        title={t("selectedTitle", { count: selectedCount })}
        message={t("selectedMessage")}
        confirmLabel={t("selectedConfirm")}
        onConfirm={onRetrySelected}
        disabled={selectedCount === 0 || running}
      >
        {t("selectedButton", { count: selectedCount })}
      </ConfirmButton>
      <div>
        <label htmlFor="failed-since" className="block text-xs font-medium text-slate-600">
          {t("failedSince")}
        </label>
        <input id="failed-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} className="input mt-1" />
      </div>
      <ConfirmButton
        className="btn btn-secondary"
        title={t("sinceTitle")}
        message={t.rich("sinceMessage", { since: since ? format.time(since) : "?", strong: (chunks) => <strong>{chunks}</strong> })}
        confirmLabel={t("sinceConfirm")}
        onConfirm={() => onRetryFailedSince(since)}
        disabled={!since || running}
      >
        {t("sinceButton")}
      </ConfirmButton>
    </div>
  );
}

/** Progress of a bulk retry, then one row per intervention: what happened, and why in words. */
export function BulkRunStatus({ run, onDismiss }: { run: BulkRun; onDismiss: () => void }) {
  const t = useTranslations("bulkRetry");
  return (
    <div role="status" aria-live="polite" className={`rounded-md border p-3 text-sm ${run.finished && run.failures.length ? "border-amber-300 bg-amber-50" : "border-sky-200 bg-sky-50"}`}>
      {!run.finished ? (
        <>
          <p>{run.total ? t("requesting", { done: run.done, total: run.total }) : t("finding")}</p>
          {run.total > 0 && (
            <progress className="mt-2 w-full" max={run.total} value={run.done}>
              {t("progress", { done: run.done, total: run.total })}
            </progress>
          )}
        </>
      ) : (
        <>
          <p className="font-medium">
            {run.total === 0 && run.failures.length === 0 ? t("nothingFailed") : t("requested", { done: run.total - run.failures.length, total: run.total })}
            {run.failures.length > 0 && ` ${t("notRetriedCount", { count: run.failures.length })}`}
          </p>
          {run.outcomes.length > 0 && (
            <table className="mt-2 w-full text-left text-sm" aria-label={t("resultLabel")}>
              <thead className="text-xs text-slate-600">
                <tr>
                  <th scope="col" className="py-1 pr-3">{t("reference")}</th>
                  <th scope="col" className="py-1 pr-3">{t("outcome")}</th>
                  <th scope="col" className="py-1">{t("reason")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200">
                {run.outcomes.map((outcome) => (
                  <tr key={outcome.reference}>
                    <td className="py-1 pr-3 font-mono text-xs whitespace-nowrap">{outcome.reference}</td>
                    <td className={`py-1 pr-3 whitespace-nowrap ${outcome.ok ? "text-emerald-800" : "text-amber-900"}`}>{outcome.ok ? t("retryRequested") : t("notRetried")}</td>
                    <td className="py-1">{outcome.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <button type="button" className="btn btn-secondary mt-2 py-1" onClick={onDismiss}>
            {t("dismiss")}
          </button>
        </>
      )}
    </div>
  );
}

"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { apiFetch } from "@/components/api";
import { LocalTime } from "@/components/local-time";
import { useViewer } from "@/components/providers";
import type { Overview } from "@/lib/dashboard/overview";

type Group = Overview["alertGroups"][number];

/**
 * Open alerts, one group per kind with its count: each alert about an intervention links to it,
 * and operators acknowledge an alert, which takes it off the overview.
 */
export function AlertsPanel({ groups, onChanged }: { groups: Group[]; onChanged: () => void }) {
  const t = useTranslations("alerts");
  const viewer = useViewer();
  const acknowledge = useMutation({
    mutationFn: (id: number) => apiFetch(`/api/alerts/${id}/acknowledge`, { method: "POST", json: {} }),
    onSettled: onChanged,
  });
  if (groups.length === 0) return null;
  return (
    <section aria-label={t("label")} className="space-y-2">
      {groups.map((group) => (
        <div key={group.kind} role="alert" className={`rounded-md border p-3 text-sm ${group.severity === "critical" ? "border-red-300 bg-red-50 text-red-900" : "border-amber-300 bg-amber-50 text-amber-900"}`}>
          <p className="font-medium">
            {group.severity === "critical" ? t("critical") : t("warning")}
            {group.count > 1 ? ` · ${t("ofThisKind", { count: group.count })}` : ""}
          </p>
          <ul className="mt-1 space-y-1">
            {group.alerts.slice(0, 5).map((alert) => (
              <li key={alert.id} className="flex flex-wrap items-baseline gap-x-2">
                <span>
                  {alert.reference ? (
                    <Link href={`/interventions/${encodeURIComponent(alert.reference)}`} className="underline">
                      {alert.message}
                    </Link>
                  ) : (
                    alert.message
                  )}
                </span>
                <span className="text-xs opacity-80">
                  {t.rich("seen", { occurrences: alert.occurrences, first: () => <LocalTime value={alert.firstSeenAt} />, last: () => <LocalTime value={alert.lastSeenAt} /> })}
                </span>
                {viewer.can("operator") && (
                  <button
                    type="button"
                    className="btn btn-secondary px-2 py-0 text-xs"
                    disabled={acknowledge.isPending}
                    aria-label={t("acknowledgeLabel", { message: alert.message })}
                    onClick={() => acknowledge.mutate(alert.id)}
                  >
                    {t("acknowledge")}
                  </button>
                )}
              </li>
            ))}
            {group.count > 5 && <li className="text-xs">{t("more", { count: group.count - 5 })}</li>}
          </ul>
        </div>
      ))}
      {acknowledge.isError && (
        <p className="text-sm text-red-800" role="alert">
          {acknowledge.error.message}
        </p>
      )}
    </section>
  );
}

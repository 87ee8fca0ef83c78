import Link from "next/link";
import { useTranslations } from "next-intl";
import { LocalTime } from "@/components/local-time";
import { ExplanationText } from "@/components/explanation";
import { PublicationBadge, useInterventionLabel } from "@/components/status";
import type { InterventionList } from "@/lib/dashboard/interventions";

/** One page of the list; dimmed while the next page replaces it. */
export function InterventionsTable({ list, stale, fetching }: { list: InterventionList; stale: boolean; fetching: boolean }) {
  const t = useTranslations("interventions.table");
  const common = useTranslations("common");
  const interventionLabel = useInterventionLabel();
  const byState = list.orderedBy === "publicationChangedAt";
  return (
    <div className={`overflow-x-auto transition-opacity ${stale ? "opacity-60" : ""}`} aria-busy={fetching}>
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">{t("reference")}</th>
            <th scope="col" className="px-3 py-2">{t("beneficiary")}</th>
            <th scope="col" className="px-3 py-2">{t("city")}</th>
            <th scope="col" className="px-3 py-2">{t("intervention")}</th>
            <th scope="col" className="px-3 py-2">{t("synchronisation")}</th>
            <th scope="col" className="px-3 py-2 text-right">{t("attempts")}</th>
            <th scope="col" className="px-3 py-2">{byState ? t("inStateSince") : t("lastChange")}</th>
            <th scope="col" className="hidden px-3 py-2 xl:table-cell">{t("whereItStands")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {list.items.map((item) => (
            <tr key={item.id} className="hover:bg-slate-50">
              <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">
                <Link href={`/interventions/${encodeURIComponent(item.reference)}`} className="text-sky-800 underline-offset-2 hover:underline">
                  {item.reference}
                </Link>
              </td>
              <td className="px-3 py-2">{item.beneficiaryName ?? common("nameNotGiven")}</td>
              <td className="px-3 py-2">
                {item.city} <span className="text-slate-500">{item.postalCode}</span>
              </td>
              <td className="px-3 py-2">{interventionLabel(item.status)}</td>
              <td className="px-3 py-2">
                <PublicationBadge status={item.syncState} />
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{item.attemptCount}</td>
              <td className="px-3 py-2 whitespace-nowrap">
                <LocalTime value={byState ? item.publicationChangedAt : item.updatedAt} />
              </td>
              <td className="hidden max-w-sm px-3 py-2 text-slate-600 xl:table-cell">
                <ExplanationText explanation={item.explanation} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

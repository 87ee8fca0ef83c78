import Link from "next/link";
import { useTranslations } from "next-intl";
import { LocalTime } from "@/components/local-time";
import { ExplanationText } from "@/components/explanation";
import { PublicationBadge } from "@/components/status";
import type { AttentionItem } from "@/lib/dashboard/attention";

/** The publications needing a person, with a checkbox per row for those who may retry them. */
export function AttentionTable({
  items,
  selectable,
  selected,
  onSelectedChange,
}: {
  items: AttentionItem[];
  selectable: boolean;
  selected: Set<string>;
  onSelectedChange: (selected: Set<string>) => void;
}) {
  const t = useTranslations("attention.table");
  const common = useTranslations("common");
  // Select-all takes what can be retried; the others say why on their row (and above the table).
  const retryable = items.filter((item) => item.retryBlocker === null);
  const allSelected = retryable.length > 0 && retryable.every((item) => selected.has(item.reference));
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs text-slate-600">
          <tr>
            {selectable && (
              <th scope="col" className="w-8 px-3 py-2">
                <input
                  type="checkbox"
                  aria-label={t("selectAll")}
                  checked={allSelected}
                  disabled={retryable.length === 0}
                  onChange={() => onSelectedChange(allSelected ? new Set() : new Set(retryable.map((item) => item.reference)))}
                />
              </th>
            )}
            <th scope="col" className="px-3 py-2">{t("reference")}</th>
            <th scope="col" className="px-3 py-2">{t("beneficiary")}</th>
            <th scope="col" className="px-3 py-2">{t("state")}</th>
            <th scope="col" className="px-3 py-2">{t("reason")}</th>
            <th scope="col" className="px-3 py-2">{t("since")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((item) => (
            <tr key={item.reference} className={selected.has(item.reference) ? "bg-sky-50" : "hover:bg-slate-50"}>
              {selectable && (
                <td className="px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label={t("select", { reference: item.reference })}
                    title={item.retryBlocker ?? undefined}
                    disabled={item.retryBlocker !== null}
                    checked={selected.has(item.reference)}
                    onChange={() => {
                      const next = new Set(selected);
                      if (next.has(item.reference)) next.delete(item.reference);
                      else next.add(item.reference);
                      onSelectedChange(next);
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
                {item.beneficiaryName ?? common("nameNotGiven")} <span className="text-slate-500">{item.city}</span>
              </td>
              <td className="px-3 py-2">
                <PublicationBadge status={item.publicationStatus} />
              </td>
              <td className="px-3 py-2 text-slate-800">
                <ExplanationText explanation={item.explanation} />
              </td>
              <td className="px-3 py-2 whitespace-nowrap">
                <LocalTime value={item.lastErrorAt ?? item.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { useTranslations } from "next-intl";
import { Details } from "@/components/explanation";
import { LocalTime } from "@/components/local-time";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { Panel } from "./panel";

const toneClass = { success: "text-emerald-700", failure: "text-red-700", neutral: "" } as const;

/**
 * Everything that happened to the intervention's publication, newest first, in one list: the
 * changes that trigger it, each exchange with Symphonics, each notification it sent, what the
 * pipeline concluded and what staff did. Words first; codes and the response behind "details".
 */
export function TimelinePanel({ timeline }: { timeline: InterventionDetail["timeline"] }) {
  const t = useTranslations("history");
  const { entries, truncated } = timeline;
  return (
    <Panel title={truncated ? t("timelineTitleLatest", { count: entries.length }) : t("timelineTitle", { count: entries.length })}>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-600">{t("timelineEmpty")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3">{t("time")}</th>
                <th scope="col" className="py-1 pr-3">{t("what")}</th>
                <th scope="col" className="py-1 pr-3">{t("whatHappened")}</th>
                <th scope="col" className="py-1">{t("by")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {entries.map((entry) => (
                <tr key={entry.key} data-kind={entry.kind}>
                  <td className="py-1 pr-3 align-top whitespace-nowrap">
                    <LocalTime value={entry.at} withSeconds />
                  </td>
                  <td className="py-1 pr-3 align-top text-xs text-slate-600">{t(`kinds.${entry.kind}`)}</td>
                  <td className="py-1 pr-3 align-top">
                    <span className={toneClass[entry.tone]}>{entry.text}</span>{" "}
                    <Details>{[...entry.details, entry.responseExcerpt && t("codes.response", { excerpt: entry.responseExcerpt })].filter(Boolean).join("\n")}</Details>
                  </td>
                  <td className="py-1 align-top text-xs text-slate-600">{entry.by}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {truncated && <p className="mt-2 text-xs text-slate-500">{t("timelineTruncated")}</p>}
    </Panel>
  );
}

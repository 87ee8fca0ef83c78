import { Details } from "@/components/explanation";
import { LocalTime } from "@/components/local-time";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import type { TimelineKind } from "@/lib/dashboard/timeline";
import { Panel } from "./panel";

const kindLabels: Record<TimelineKind, string> = {
  trigger: "Change",
  attempt: "Exchange",
  webhook: "Notification",
  outcome: "Outcome",
  staff_action: "Staff action",
};

const toneClass = { success: "text-emerald-700", failure: "text-red-700", neutral: "" } as const;

/**
 * Everything that happened to the intervention's publication, newest first, in one list: the
 * changes that trigger it, each exchange with Symphonics, each notification it sent, what the
 * pipeline concluded and what staff did. Words first; codes and the response behind "details".
 */
export function TimelinePanel({ timeline }: { timeline: InterventionDetail["timeline"] }) {
  const { entries, truncated } = timeline;
  return (
    <Panel title={`History (${entries.length}${truncated ? ", the latest" : ""})`}>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing has happened to it yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3">Time</th>
                <th scope="col" className="py-1 pr-3">What</th>
                <th scope="col" className="py-1 pr-3">What happened</th>
                <th scope="col" className="py-1">By</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {entries.map((entry) => (
                <tr key={entry.key} data-kind={entry.kind}>
                  <td className="py-1 pr-3 align-top whitespace-nowrap">
                    <LocalTime value={entry.at} withSeconds />
                  </td>
                  <td className="py-1 pr-3 align-top text-xs text-slate-600">{kindLabels[entry.kind]}</td>
                  <td className="py-1 pr-3 align-top">
                    <span className={toneClass[entry.tone]}>{entry.text}</span>{" "}
                    <Details>{[...entry.details, entry.responseExcerpt && `response: ${entry.responseExcerpt}`].filter(Boolean).join("\n")}</Details>
                  </td>
                  <td className="py-1 align-top text-xs text-slate-600">{entry.by}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {truncated && <p className="mt-2 text-xs text-slate-500">Older entries are kept in the database.</p>}
    </Panel>
  );
}

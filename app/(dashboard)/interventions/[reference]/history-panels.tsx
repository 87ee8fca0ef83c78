import { duration, LocalTime } from "@/components/local-time";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { Panel } from "./panel";

/** Every exchange with Symphonics, newest first. */
export function AttemptsPanel({ attempts }: { attempts: InterventionDetail["attempts"] }) {
  return (
    <Panel title={`Attempts (${attempts.length})`}>
      {attempts.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing has been sent yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3">Time</th>
                <th scope="col" className="py-1 pr-3">Request</th>
                <th scope="col" className="py-1 pr-3">Outcome</th>
                <th scope="col" className="py-1 pr-3">Code</th>
                <th scope="col" className="py-1 pr-3 text-right">Duration</th>
                <th scope="col" className="py-1 pr-3">Message</th>
                <th scope="col" className="py-1">By</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {attempts.map((attempt) => (
                <tr key={attempt.id}>
                  <td className="py-1 pr-3 whitespace-nowrap">
                    <LocalTime value={attempt.at} withSeconds />
                  </td>
                  <td className="py-1 pr-3 font-mono text-xs">{attempt.operation}</td>
                  <td className={`py-1 pr-3 ${attempt.outcome === "success" || attempt.outcome === "exists" ? "text-emerald-700" : "text-red-700"}`}>{attempt.outcome}</td>
                  <td className="py-1 pr-3 font-mono text-xs">
                    {attempt.http_status ?? "—"}
                    {attempt.problem_code && ` ${attempt.problem_code}`}
                  </td>
                  <td className="py-1 pr-3 text-right tabular-nums">{duration(attempt.duration_ms)}</td>
                  <td className="py-1 pr-3 text-slate-700">{attempt.message ?? ""}</td>
                  <td className="py-1 text-xs text-slate-600">
                    {attempt.trigger} · {attempt.triggered_by}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

/** What Symphonics notified about the dossier, newest first. */
export function WebhookEventsPanel({ events }: { events: InterventionDetail["webhookEvents"] }) {
  return (
    <Panel title={`Webhook events (${events.length})`}>
      {events.length === 0 ? (
        <p className="text-sm text-slate-600">Symphonics has not notified anything about this dossier yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {events.map((event) => (
            <li key={event.id} className="flex flex-wrap gap-x-4 py-2">
              <LocalTime value={event.received_at} withSeconds />
              <span className="font-mono text-xs">{event.type}</span>
              {event.status && <span>status {event.status}</span>}
              {event.reason && <span className="text-slate-700">{event.reason}</span>}
              <span className="text-xs text-slate-500">{event.outcome}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

import { Details } from "@/components/explanation";
import { duration, LocalTime } from "@/components/local-time";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { rejectionText } from "@/lib/publication/explanations";
import { Panel } from "./panel";

/** How each notification was taken, in words. */
const webhookOutcomeText: Record<string, string> = {
  applied: "applied",
  stale: "older than what we knew: kept, not applied",
  unknown_type: "a kind of notification this product ignores",
  unknown_dossier: "about a dossier this product does not know",
  duplicate: "already received",
};

/** Every exchange with Symphonics, newest first: what happened in words, the codes behind "details". */
export function AttemptsPanel({ attempts }: { attempts: InterventionDetail["attempts"] }) {
  return (
    <Panel title={`Exchanges with Symphonics (${attempts.length})`}>
      {attempts.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing has been sent yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3">Time</th>
                <th scope="col" className="py-1 pr-3">Request</th>
                <th scope="col" className="py-1 pr-3">What happened</th>
                <th scope="col" className="py-1 pr-3 text-right">Duration</th>
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
                  <td className="py-1 pr-3">
                    <span className={attempt.outcome.startsWith("success") || attempt.outcome === "exists" ? "text-emerald-700" : "text-red-700"}>{attempt.text}</span>{" "}
                    <Details>
                      {[`outcome ${attempt.outcome}`, attempt.http_status && `HTTP ${attempt.http_status}`, attempt.problem_code, attempt.message, attempt.response_excerpt && `response: ${attempt.response_excerpt}`]
                        .filter(Boolean)
                        .join("\n")}
                    </Details>
                  </td>
                  <td className="py-1 pr-3 text-right tabular-nums">{duration(attempt.duration_ms)}</td>
                  <td className="py-1 text-xs text-slate-600">{attempt.by}</td>
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
              {event.reason && <span className="text-slate-700">{rejectionText(event.reason)}</span>}
              <span className="text-xs text-slate-500">{webhookOutcomeText[event.outcome] ?? event.outcome}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

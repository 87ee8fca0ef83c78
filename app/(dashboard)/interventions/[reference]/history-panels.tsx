import { useTranslations } from "next-intl";
import { Details } from "@/components/explanation";
import { useFormat } from "@/components/format";
import { LocalTime } from "@/components/local-time";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { Panel } from "./panel";

/** How each notification was taken, in words (the catalogue's `webhookOutcomes`). */
const WEBHOOK_OUTCOMES = new Set(["applied", "stale", "unknown_type", "unknown_dossier", "duplicate"]);

/** Every exchange with Symphonics, newest first: what happened in words, the codes behind "details". */
export function AttemptsPanel({ attempts }: { attempts: InterventionDetail["attempts"] }) {
  const t = useTranslations("history");
  const format = useFormat();
  return (
    <Panel title={t("attemptsTitle", { count: attempts.length })}>
      {attempts.length === 0 ? (
        <p className="text-sm text-slate-600">{t("noAttempts")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3">{t("time")}</th>
                <th scope="col" className="py-1 pr-3">{t("request")}</th>
                <th scope="col" className="py-1 pr-3">{t("whatHappened")}</th>
                <th scope="col" className="py-1 pr-3 text-right">{t("duration")}</th>
                <th scope="col" className="py-1">{t("by")}</th>
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
                      {[
                        t("codes.outcome", { outcome: attempt.outcome }),
                        attempt.http_status && t("codes.http", { status: attempt.http_status }),
                        attempt.problem_code,
                        attempt.message,
                        attempt.response_excerpt && t("codes.response", { excerpt: attempt.response_excerpt }),
                      ]
                        .filter(Boolean)
                        .join("\n")}
                    </Details>
                  </td>
                  <td className="py-1 pr-3 text-right tabular-nums">{format.duration(attempt.duration_ms)}</td>
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
  const t = useTranslations("history");
  const reasons = useTranslations("explanations.rejectionReasons");
  return (
    <Panel title={t("webhooksTitle", { count: events.length })}>
      {events.length === 0 ? (
        <p className="text-sm text-slate-600">{t("noWebhooks")}</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {events.map((event) => (
            <li key={event.id} className="flex flex-wrap gap-x-4 py-2">
              <LocalTime value={event.received_at} withSeconds />
              <span className="font-mono text-xs">{event.type}</span>
              {event.status && <span>{t("webhookStatus", { status: event.status })}</span>}
              {event.reason && <span className="text-slate-700">{reasons.has(event.reason) ? reasons(event.reason) : reasons("unknown", { reason: event.reason })}</span>}
              <span className="text-xs text-slate-500">{WEBHOOK_OUTCOMES.has(event.outcome) ? t(`webhookOutcomes.${event.outcome}`) : event.outcome}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

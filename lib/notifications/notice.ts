import type { alerts } from "@/db/schema";
import { alertMessage } from "@/lib/alerts/messages";
import { translator } from "@/lib/i18n/catalogue";
import type { Locale } from "@/lib/i18n/locales";
import { scrubText } from "@/lib/observability/redaction";

export type AlertRow = typeof alerts.$inferSelect;

/** One alert as the channels tell it: opened (still open) or resolved since the last notice. */
export interface AlertNoticeItem {
  kind: string;
  severity: string;
  state: "open" | "resolved";
  message: string;
  occurrences: number;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  reference: string | null;
}

/** What one delivery sends: every pending alert at once, so an outage makes one message, not one per alert. */
export interface AlertNotice {
  subject: string;
  text: string;
  items: AlertNoticeItem[];
}

/** Listed one by one up to this many per kind; beyond, counted, so a message stays readable. */
const LISTED_PER_KIND = 10;

/** One alert, its sentence in the notice's language (an alert raised without a catalogue key as it was raised). */
export function noticeItem(alert: AlertRow, reference: string | null, locale: Locale = "en"): AlertNoticeItem {
  return {
    kind: alert.kind,
    severity: alert.severity,
    state: alert.resolvedAt ? "resolved" : "open",
    // Messages quote Symphonics' answers; nothing personal may leave by email or chat.
    message: scrubText(alertMessage(locale, alert)),
    occurrences: alert.occurrences,
    firstSeenAt: alert.firstSeenAt.toISOString(),
    lastSeenAt: alert.lastSeenAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    reference,
  };
}

/** The notice in the recipients' language (ALERT_LOCALE), as its items are (`noticeItem`). */
export function composeNotice(items: AlertNoticeItem[], appUrl: string, locale: Locale = "en"): AlertNotice {
  const t = translator(locale, "notices");
  const open = items.filter((item) => item.state === "open");
  const resolved = items.filter((item) => item.state === "resolved");
  const critical = open.some((item) => item.severity === "critical");
  const counts = [open.length ? t("open", { count: open.length }) : "", resolved.length ? t("resolved", { count: resolved.length }) : ""].filter(Boolean).join(", ");
  const subject = t("subject", { critical: critical ? t("critical") : "", counts, total: items.length });
  const severity = (value: string) => (value === "critical" || value === "warning" ? t(`severity.${value}`) : value.toUpperCase());

  const section = (title: string, list: AlertNoticeItem[]) => {
    if (!list.length) return [];
    const byKind = Map.groupBy(list, (item) => item.kind);
    const lines = [title];
    for (const [kind, group] of byKind) {
      lines.push(`- ${kind} (${group.length}):`);
      for (const item of group.slice(0, LISTED_PER_KIND)) {
        const seen = item.occurrences > 1 ? t("seenTimes", { count: String(item.occurrences), since: item.firstSeenAt }) : t("since", { since: item.firstSeenAt });
        lines.push(`    ${severity(item.severity)} ${item.message}${item.state === "resolved" ? t("resolvedAt", { at: item.resolvedAt ?? "" }) : seen}`);
      }
      if (group.length > LISTED_PER_KIND) lines.push(t("more", { count: String(group.length - LISTED_PER_KIND) }));
    }
    return [...lines, ""];
  };
  const text = [
    ...section(t("sectionOpen"), open),
    ...section(t("sectionResolved"), resolved),
    t("appLink", { url: appUrl }),
    t("runbook"),
  ].join("\n");
  return { subject, text, items };
}

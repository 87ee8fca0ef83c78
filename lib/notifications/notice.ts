import type { alerts } from "@/db/schema";
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

export function noticeItem(alert: AlertRow, reference: string | null): AlertNoticeItem {
  return {
    kind: alert.kind,
    severity: alert.severity,
    state: alert.resolvedAt ? "resolved" : "open",
    // Messages quote Symphonics' answers; nothing personal may leave by email or chat.
    message: scrubText(alert.message),
    occurrences: alert.occurrences,
    firstSeenAt: alert.firstSeenAt.toISOString(),
    lastSeenAt: alert.lastSeenAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    reference,
  };
}

export function composeNotice(items: AlertNoticeItem[], appUrl: string): AlertNotice {
  const open = items.filter((item) => item.state === "open");
  const resolved = items.filter((item) => item.state === "resolved");
  const critical = open.some((item) => item.severity === "critical");
  const counts = [open.length ? `${open.length} open` : "", resolved.length ? `${resolved.length} resolved` : ""].filter(Boolean).join(", ");
  const subject = `[symphonics-publisher]${critical ? " CRITICAL:" : ""} ${counts} alert${items.length === 1 ? "" : "s"}`;

  const section = (title: string, list: AlertNoticeItem[]) => {
    if (!list.length) return [];
    const byKind = Map.groupBy(list, (item) => item.kind);
    const lines = [`${title}:`];
    for (const [kind, group] of byKind) {
      lines.push(`- ${kind} (${group.length}):`);
      for (const item of group.slice(0, LISTED_PER_KIND)) {
        const seen = item.occurrences > 1 ? ` [seen ${item.occurrences} times since ${item.firstSeenAt}]` : ` [since ${item.firstSeenAt}]`;
        lines.push(`    ${item.severity.toUpperCase()} ${item.message}${item.state === "resolved" ? ` [resolved ${item.resolvedAt}]` : seen}`);
      }
      if (group.length > LISTED_PER_KIND) lines.push(`    … and ${group.length - LISTED_PER_KIND} more`);
    }
    return [...lines, ""];
  };
  const text = [
    ...section("Open", open),
    ...section("Resolved", resolved),
    `Alerts in the app: ${appUrl}`,
    "What each alert means and what to do: docs/runbook.md",
  ].join("\n");
  return { subject, text, items };
}

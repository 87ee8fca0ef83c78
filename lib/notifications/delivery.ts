import { and, eq, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { alerts, interventions } from "@/db/schema";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import type { Locale } from "@/lib/i18n/locales";
import type { AlertChannel } from "./channels";
import { composeNotice, noticeItem } from "./notice";

export interface DeliverySettings {
  /**
   * After a notice about a kind of alert, further alerts of that kind wait this long and then go
   * together in one notice: a spreading outage makes a message per period, not per intervention.
   */
  digestSeconds: number;
  /** Link to the alerts in the app, written in each notice. */
  appUrl: string;
  /** The language the notices are written in. */
  locale?: Locale;
}

export type DeliveryResult = { sent: number; held: number; failed: string[] };

// Only one process delivers at a time: two workers must not send the same notice twice.
const DELIVERY_LOCK = 0x5ca1ab1e;

/**
 * Sends every pending alert (opened, or resolved since it was last told) in one notice to every
 * configured channel, and marks them delivered once all channels accepted it. A channel that
 * fails leaves them pending for the next cycle: an alert may be told twice, never lost.
 */
export async function deliverPendingAlerts(db: Database, channels: AlertChannel[], settings: DeliverySettings): Promise<DeliveryResult> {
  if (channels.length === 0) return { sent: 0, held: 0, failed: [] };
  return db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${DELIVERY_LOCK}) as locked`);
    if (!lock?.locked) return { sent: 0, held: 0, failed: [] };

    const pending = await tx
      .select({ alert: alerts, reference: interventions.reference })
      .from(alerts)
      .leftJoin(interventions, eq(interventions.id, alerts.interventionId))
      .where(or(isNull(alerts.deliveredAt), and(isNotNull(alerts.resolvedAt), lt(alerts.deliveredAt, alerts.resolvedAt))))
      .orderBy(alerts.firstSeenAt, alerts.id);
    if (pending.length === 0) return { sent: 0, held: 0, failed: [] };

    // Kinds told about within the digest period wait for its end; a first alert of a kind goes at once.
    const recent = await tx.execute<{ kind: string }>(sql`
      select distinct kind from alerts
      where delivered_at > now() - ${settings.digestSeconds}::float8 * interval '1 second'`);
    const quiet = new Set(recent.map((row) => row.kind));
    const due = pending.filter(({ alert }) => !quiet.has(alert.kind));
    const held = pending.length - due.length;
    if (due.length === 0) return { sent: 0, held, failed: [] };

    const notice = composeNotice(due.map(({ alert, reference }) => noticeItem(alert, reference, settings.locale)), settings.appUrl, settings.locale);
    const failed: string[] = [];
    for (const channel of channels) {
      try {
        await channel.send(notice);
        metrics().alertDeliveries.inc({ channel: channel.name, result: "sent" });
      } catch (error) {
        failed.push(channel.name);
        metrics().alertDeliveries.inc({ channel: channel.name, result: "failed" });
        logger().error({ err: error, channel: channel.name, alerts: due.length }, "alert delivery failed; retried at the next cycle");
      }
    }
    if (failed.length) return { sent: 0, held, failed };
    await tx
      .update(alerts)
      .set({ deliveredAt: sql`now()` })
      .where(inArray(alerts.id, due.map(({ alert }) => alert.id)));
    logger().info({ alerts: due.length, held, channels: channels.map((c) => c.name) }, "alerts delivered");
    return { sent: due.length, held, failed };
  });
}

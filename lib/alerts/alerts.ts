import { eq, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { alerts } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { storedAlertText, type AlertText } from "./messages";

export type AlertSeverity = "warning" | "critical";

export interface AlertInput {
  /** What happened, for programs: publication_failing, publication_failed, invalid_client... */
  kind: string;
  /**
   * Alerts with the same key while one is open are one alert seen several times, so an outage
   * raises one alert and not one per intervention per retry.
   */
  groupKey: string;
  severity: AlertSeverity;
  /**
   * What happened, for a person: a catalogue sentence, shown in each reader's language (and
   * stored in English as `message` too), or a plain sentence shown as it is.
   */
  message: AlertText | string;
  interventionId?: string | null;
  /**
   * This raise is the condition starting again (a publication given up on once more, a circuit
   * opening again, a new rejection), not the same lasting condition seen again: an operator's
   * acknowledgement covered what they saw, so the alert shows (and is delivered) again.
   */
  recurrence?: boolean;
}

/**
 * Opens an alert, or counts one more occurrence of the open alert with the same group key; a
 * recurrence of an acknowledged alert raises it again.
 */
export async function raiseAlert(db: Executor, input: AlertInput): Promise<void> {
  const words = typeof input.message === "string" ? { message: input.message, messageKey: null, messageValues: null } : storedAlertText(input.message);
  await db
    .insert(alerts)
    .values({
      kind: input.kind,
      groupKey: input.groupKey,
      severity: input.severity,
      ...words,
      interventionId: input.interventionId ?? null,
    })
    .onConflictDoUpdate({
      target: alerts.groupKey,
      targetWhere: sql`${alerts.resolvedAt} is null`,
      set: {
        occurrences: sql`${alerts.occurrences} + 1`,
        lastSeenAt: sql`now()`,
        ...words,
        severity: sql`case when ${alerts.severity} = 'critical' then 'critical' else excluded.severity end`,
        ...(input.recurrence
          ? {
              acknowledgedAt: sql`null`,
              acknowledgedBy: sql`null`,
              deliveredAt: sql`case when ${alerts.acknowledgedAt} is null then ${alerts.deliveredAt} end`,
            }
          : {}),
      },
    });
}

/**
 * An operator has seen an alert: it leaves the overview (it stays open, and closes by itself
 * when its condition clears). Acknowledging it again changes nothing. Audited.
 */
export async function acknowledgeAlert(db: Database, id: number, actor: Principal) {
  return db.transaction(async (tx) => {
    const [alert] = await tx.select().from(alerts).where(eq(alerts.id, id)).for("update");
    if (!alert) throw new AppError("not_found", { key: "noAlert", values: { id: String(id) } });
    if (alert.acknowledgedAt) return alert;
    const [acknowledged] = await tx.update(alerts).set({ acknowledgedAt: sql`now()`, acknowledgedBy: actor.label }).where(eq(alerts.id, id)).returning();
    await recordAudit(tx, actor, "alert.acknowledged", alert.interventionId, { alertId: id, kind: alert.kind });
    return acknowledged!;
  });
}

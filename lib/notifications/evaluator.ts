import { and, eq, inArray, like, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { alerts } from "@/db/schema";
import { raiseAlert } from "@/lib/alerts/alerts";
import { readOperationalState } from "@/lib/observability/operational-state";
import { underwaySql } from "@/lib/publication/status";
import { resolveAlerts } from "./resolve";
import { countWebhookSignatureFailures } from "./webhook-signature-failures";

export interface EvaluationSettings {
  circuitOpenSeconds: number;
  oldestJobSeconds: number;
  signatureFailures: number;
  signatureWindowSeconds: number;
  /** No webhook for this long while dossiers await a final status raises an alert. */
  webhookSilenceSeconds: number;
}

/** Kinds raised here; the pipeline raises the others inline (lib/publication, webhooks). */
const evaluatedKinds = {
  circuitOpenTooLong: "symphonics_circuit_open_too_long",
  queueStalled: "publication_queue_stalled",
  signatureFailures: "webhook_signature_failures",
  webhooksSilent: "symphonics_webhooks_silent",
} as const;

/**
 * Raises the alerts whose condition is a state that lasts rather than an event (the circuit open
 * too long, the queue not draining, a burst of forged or stale webhooks, webhooks silent while
 * dossiers await Symphonics' decision) and resolves every
 * alert, inline ones included, whose condition has cleared. Runs every ALERT_EVALUATION_SECONDS.
 */
export async function evaluateAlerts(db: Executor, settings: EvaluationSettings): Promise<{ raised: string[]; resolved: number }> {
  const state = await readOperationalState(db);
  const raised: string[] = [];
  let resolved = 0;

  for (const circuit of state.circuits) {
    const groupKey = `symphonics:circuit_open_too_long:${circuit.name}`;
    if (circuit.state !== "closed" && circuit.openSeconds >= settings.circuitOpenSeconds) {
      await raiseAlert(db, {
        kind: evaluatedKinds.circuitOpenTooLong,
        groupKey,
        severity: "critical",
        message: { key: "circuitOpenTooLong", values: { circuit: circuit.name, state: circuit.state, minutes: Math.round(circuit.openSeconds / 60) } },
      });
      raised.push(groupKey);
    } else if (circuit.state === "closed") {
      resolved += await resolveAlerts(db, sql`${alerts.groupKey} in (${groupKey}, 'symphonics:circuit_open')`);
    }
  }

  const queueKey = "queue:publication_stalled";
  if (state.oldestWaitingJobAgeSeconds >= settings.oldestJobSeconds) {
    await raiseAlert(db, {
      kind: evaluatedKinds.queueStalled,
      groupKey: queueKey,
      severity: "warning",
      message: { key: "queueStalled", values: { minutes: Math.round(state.oldestWaitingJobAgeSeconds / 60), waiting: state.jobsWaiting } },
    });
    raised.push(queueKey);
  } else resolved += await resolveAlerts(db, eq(alerts.groupKey, queueKey));

  const failures = await countWebhookSignatureFailures(db, settings.signatureWindowSeconds);
  const signatureKey = "webhook:signature_failures";
  if (failures >= settings.signatureFailures) {
    await raiseAlert(db, {
      kind: evaluatedKinds.signatureFailures,
      groupKey: signatureKey,
      severity: "warning",
      message: { key: "signatureFailures", values: { failures, minutes: Math.round(settings.signatureWindowSeconds / 60) } },
    });
    raised.push(signatureKey);
  } else resolved += await resolveAlerts(db, eq(alerts.groupKey, signatureKey));

  const silenceKey = "webhook:silent";
  if (state.dossiersAwaitingFinalStatus > 0 && state.webhookSilenceSeconds >= settings.webhookSilenceSeconds) {
    await raiseAlert(db, {
      kind: evaluatedKinds.webhooksSilent,
      groupKey: silenceKey,
      severity: "warning",
      message: { key: "webhooksSilent", values: { minutes: Math.round(state.webhookSilenceSeconds / 60), dossiers: state.dossiersAwaitingFinalStatus } },
    });
    raised.push(silenceKey);
  } else resolved += await resolveAlerts(db, eq(alerts.groupKey, silenceKey));

  resolved += await resolveClearedPipelineAlerts(db);
  return { raised, resolved };
}

/** The pipeline's own alerts end when the publication or the credentials recover. */
async function resolveClearedPipelineAlerts(db: Executor): Promise<number> {
  let resolved = 0;
  // Failing repeatedly: cleared once the publication stops failing (published, corrected, or failed for good, which has its own alert).
  resolved += await resolveAlerts(
    db,
    and(
      like(alerts.groupKey, "publication_failing:%"),
      sql`not exists (select 1 from publications p where p.intervention_id = ${alerts.interventionId} and p.consecutive_failures > 0 and ${underwaySql(sql`p.status`)})`,
    )!,
  );
  // Failed for good: cleared when someone retried it (or it got published after all).
  resolved += await resolveAlerts(
    db,
    and(
      like(alerts.groupKey, "publication_failed:%"),
      sql`not exists (select 1 from publications p where p.intervention_id = ${alerts.interventionId} and p.status = 'failed')`,
    )!,
  );
  // Rejected, lost or never decided dossier: cleared once the intervention no longer waits for review (corrected and sent again).
  resolved += await resolveAlerts(
    db,
    and(
      inArray(alerts.kind, ["dossier_rejected", "dossier_not_found", "dossier_status_unsettled"]),
      sql`not exists (select 1 from publications p where p.intervention_id = ${alerts.interventionId} and p.status = 'needs_review')`,
    )!,
  );
  // Refused credentials: cleared by any exchange Symphonics accepted after the alert was last seen.
  resolved += await resolveAlerts(
    db,
    and(
      eq(alerts.groupKey, "symphonics:invalid_client"),
      sql`exists (select 1 from publication_attempts a where a.started_at > ${alerts.lastSeenAt} and a.http_status between 200 and 299)`,
    )!,
  );
  return resolved;
}

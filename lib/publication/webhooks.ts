import { eq, sql } from "drizzle-orm";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { z } from "zod";
import type { Database, Executor } from "@/db/client";
import { interventions, publications, webhookEvents, type DossierStatus } from "@/db/schema";
import { raiseAlert } from "@/lib/alerts/alerts";
import { recordAudit } from "@/lib/audit";
import { systemPrincipal } from "@/lib/auth/roles";
import { markRejected } from "./status";
import { rejectionText } from "./explanations";

/**
 * Symphonics' status webhooks (§4): Standard Webhooks signatures, at-least-once and unordered
 * delivery. Each webhook-id is handled once; a dossier's status only moves forward.
 */

export interface WebhookHeaders {
  id: string | null;
  timestamp: string | null;
  signature: string | null;
}

export type Verification = { ok: true } | { ok: false; reason: string };

/** `SYMPHONICS_WEBHOOK_SECRET` holds one secret, or several separated by spaces while rotating. */
export function webhookSecrets(setting: string): string[] {
  return setting.split(/\s+/).filter(Boolean);
}

/**
 * Checks the signature over the exact raw body (constant-time comparison, 5-minute timestamp
 * tolerance, any of the header's signatures against any of our secrets), before anything parses it.
 */
export function verifyWebhook(rawBody: string, headers: WebhookHeaders, secrets: readonly string[]): Verification {
  if (!headers.id || !headers.timestamp || !headers.signature) {
    return { ok: false, reason: "The webhook-id, webhook-timestamp and webhook-signature headers are required." };
  }
  let reason = "No signature matches.";
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(rawBody, { "webhook-id": headers.id, "webhook-timestamp": headers.timestamp, "webhook-signature": headers.signature }, { jsonParse: false });
      return { ok: true };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      // A stale or future timestamp fails the same way for every secret: say so.
      if (/timestamp|Invalid Signature Headers/i.test(error.message)) return { ok: false, reason: `The webhook timestamp is refused: ${error.message}.` };
      reason = "No signature matches.";
    }
  }
  return { ok: false, reason };
}

const statusRank: Record<DossierStatus, number> = { received: 0, processing: 1, accepted: 2, rejected: 2 };
const isFinal = (status: DossierStatus) => status === "accepted" || status === "rejected";

const knownTypes = {
  "dossier.received": "received",
  "dossier.processing": "processing",
  "dossier.accepted": "accepted",
  "dossier.rejected": "rejected",
} as const satisfies Record<string, DossierStatus>;

/** The body's shape; unknown fields are tolerated, as the contract asks. */
export const webhookBodySchema = z.object({
  type: z.string().min(1).max(200),
  timestamp: z.string().max(100).optional(),
  data: z
    .object({
      dossierId: z.string().max(200).nullish(),
      externalReference: z.string().max(200).nullish(),
      status: z.string().max(100).nullish(),
      reason: z.string().max(200).nullish(),
    })
    .optional(),
});
export type WebhookBody = z.infer<typeof webhookBodySchema>;

export type WebhookOutcome = "applied" | "stale" | "unknown_type" | "unknown_dossier" | "duplicate";


function occurredAt(timestamp: string | undefined): Date | null {
  if (!timestamp) return null;
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Stores the event once per webhook-id and applies it, in one transaction. */
export async function receiveWebhook(db: Database, webhookId: string, body: WebhookBody, payload: unknown): Promise<WebhookOutcome> {
  return db.transaction(async (tx) => {
    const data = body.data ?? {};
    const [stored] = await tx
      .insert(webhookEvents)
      .values({
        webhookId,
        type: body.type,
        dossierId: data.dossierId ?? null,
        externalReference: data.externalReference ?? null,
        status: data.status ?? null,
        reason: data.reason ?? null,
        outcome: "received",
        payload,
        occurredAt: occurredAt(body.timestamp),
      })
      // A concurrent delivery of the same id waits here for the first one's commit, then does nothing.
      .onConflictDoNothing({ target: webhookEvents.webhookId })
      .returning({ id: webhookEvents.id });
    if (!stored) return "duplicate";
    const outcome = await applyEvent(tx, body);
    await tx.update(webhookEvents).set({ outcome }).where(eq(webhookEvents.id, stored.id));
    return outcome;
  });
}

async function applyEvent(tx: Executor, body: WebhookBody): Promise<Exclude<WebhookOutcome, "duplicate">> {
  const status = knownTypes[body.type as keyof typeof knownTypes] as DossierStatus | undefined;
  if (!status) return "unknown_type";
  const { dossierId, externalReference, reason } = body.data ?? {};
  if (!dossierId) return "unknown_dossier";

  // By dossier id; or by reference, when the webhook outruns the worker storing the id.
  const byDossier = await tx.select().from(publications).where(eq(publications.dossierId, dossierId)).for("update");
  let publication = byDossier[0];
  if (!publication && externalReference) {
    const [row] = await tx
      .select({ publication: publications })
      .from(publications)
      .innerJoin(interventions, eq(interventions.id, publications.interventionId))
      .where(eq(interventions.reference, externalReference))
      .for("update", { of: publications });
    if (row && (row.publication.dossierId === null || row.publication.dossierId === dossierId)) publication = row.publication;
  }
  if (!publication) return "unknown_dossier";

  const current = publication.dossierStatus;
  if (current && (isFinal(current) || statusRank[status] <= statusRank[current])) return "stale";

  if (status !== "rejected") {
    await tx
      .update(publications)
      .set({ dossierId, dossierStatus: status, updatedAt: sql`now()` })
      .where(eq(publications.interventionId, publication.interventionId));
    return "applied";
  }

  const explanation = rejectionText(reason ?? null);
  await markRejected(tx, publication.interventionId, publication.status, { dossierId, reason: reason ?? "other", explanation });
  const [intervention] = await tx.select({ reference: interventions.reference }).from(interventions).where(eq(interventions.id, publication.interventionId));
  await raiseAlert(tx, {
    kind: "dossier_rejected",
    groupKey: `dossier_rejected:${publication.interventionId}`,
    severity: "warning",
    message: `Symphonics rejected the dossier ${dossierId} of ${intervention?.reference ?? publication.interventionId} (${reason ?? "other"}).`,
    interventionId: publication.interventionId,
  });
  await recordAudit(tx, systemPrincipal, "publication.rejected", publication.interventionId, { dossierId, reason: reason ?? "other" });
  return "applied";
}

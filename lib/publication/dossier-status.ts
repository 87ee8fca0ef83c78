import { eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { interventions, publications, type DossierStatus, type Publication } from "@/db/schema";
import { raiseAlert } from "@/lib/alerts/alerts";
import { recordAudit } from "@/lib/audit";
import { systemPrincipal } from "@/lib/auth/roles";
import { rejectionText } from "./explanations";
import { markRejected } from "./status";

/**
 * A dossier's status as Symphonics reports it, by webhook (§4) or by lookup (§3.3): applied the
 * same way whichever brings it, so a late webhook and a lookup never fight. The status only moves
 * forward (`received` < `processing` < `accepted` | `rejected`; the last two are final).
 */
export interface DossierNews {
  dossierId: string;
  status: DossierStatus;
  reason: string | null;
  /** Recorded with a rejection, so staff can tell a webhook from the reconciler's lookup. */
  source: "webhook" | "reconciliation";
}

const statusRank: Record<DossierStatus, number> = { received: 0, processing: 1, accepted: 2, rejected: 2 };
export const isFinalDossierStatus = (status: DossierStatus) => status === "accepted" || status === "rejected";

/**
 * Applies the news to the publication, which the caller read under its row lock (`for update`).
 * `stale`: we already hold this status or a later one, and nothing is written.
 */
export async function applyDossierStatus(tx: Executor, publication: Publication, news: DossierNews): Promise<"applied" | "stale"> {
  const { dossierId, status, source } = news;
  const current = publication.dossierStatus;
  if (current && (isFinalDossierStatus(current) || statusRank[status] <= statusRank[current])) return "stale";

  if (status !== "rejected") {
    await tx
      .update(publications)
      .set({ dossierId, dossierStatus: status, dossierStatusCheckedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(publications.interventionId, publication.interventionId));
    return "applied";
  }

  const reason = news.reason ?? "other";
  const explanation = rejectionText(reason);
  await markRejected(tx, publication.interventionId, publication.status, { dossierId, reason, explanation });
  const [intervention] = await tx.select({ reference: interventions.reference }).from(interventions).where(eq(interventions.id, publication.interventionId));
  await raiseAlert(tx, {
    kind: "dossier_rejected",
    groupKey: `dossier_rejected:${publication.interventionId}`,
    severity: "warning",
    message: { key: "dossierRejected", values: { dossierId, reference: intervention?.reference ?? publication.interventionId, reason } },
    interventionId: publication.interventionId,
    recurrence: true,
  });
  await recordAudit(tx, systemPrincipal, "publication.rejected", publication.interventionId, { dossierId, reason, source });
  return "applied";
}

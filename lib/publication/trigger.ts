import { asc, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { beneficiaries, interventionDocuments, interventions, publications } from "@/db/schema";
import type { Principal } from "@/lib/auth/roles";
import { checkEligibility, type Eligibility } from "./eligibility";
import type { PublicationQueue } from "./queue";
import { isUnderway, markNotReady, markQueued } from "./status";

export async function eligibilityOf(tx: Executor, interventionId: string) {
  const [row] = await tx
    .select({ status: interventions.status, contractSignedAt: beneficiaries.contractSignedAt, publicationStatus: publications.status })
    .from(interventions)
    .innerJoin(beneficiaries, eq(beneficiaries.id, interventions.beneficiaryId))
    .innerJoin(publications, eq(publications.interventionId, interventions.id))
    .where(eq(interventions.id, interventionId))
    .for("update", { of: publications });
  if (!row) throw new Error(`intervention ${interventionId} not found`);
  const documents = await tx
    .select({ filePath: interventionDocuments.filePath, requiresSignature: interventionDocuments.requiresSignature, signedAt: interventionDocuments.signedAt })
    .from(interventionDocuments)
    .where(eq(interventionDocuments.interventionId, interventionId))
    .orderBy(asc(interventionDocuments.position));
  return { publicationStatus: row.publicationStatus, eligibility: checkEligibility({ ...row, documents }) };
}

/**
 * Called in the same transaction as every change to an intervention's data: when the change
 * makes it eligible, its publication is queued in that transaction (a rollback enqueues
 * nothing; a commit loses nothing). A correction of data that needed review re-triggers it.
 */
export async function onInterventionChanged(tx: Executor, queue: PublicationQueue, interventionId: string, actor: Principal): Promise<Eligibility> {
  const { publicationStatus, eligibility } = await eligibilityOf(tx, interventionId);
  // Published, or a rejected dossier a person resolved: Symphonics holds it under this reference.
  if (publicationStatus === "published" || publicationStatus === "resolved") return eligibility;
  if (eligibility.eligible) {
    // Already on its way: a new trigger adds nothing.
    if (isUnderway(publicationStatus)) return eligibility;
    await markQueued(tx, interventionId, publicationStatus);
    await queue.enqueue(tx, { interventionId, trigger: "automatic", triggeredBy: actor.label });
  } else if (publicationStatus !== "not_ready" && publicationStatus !== "in_progress") {
    // The worker re-checks eligibility before sending, so a job already queued does nothing.
    await markNotReady(tx, interventionId, publicationStatus);
  }
  return eligibility;
}

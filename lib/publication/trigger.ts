import { asc, eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { beneficiaries, interventionDocuments, interventions, publications, type PublicationStatus } from "@/db/schema";
import { enqueuePublication } from "@/jobs/queues";
import type { Principal } from "@/lib/auth/roles";
import { config } from "@/lib/config";
import { checkEligibility, type Eligibility } from "./eligibility";

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

/** States in which a publication is already on its way and a new trigger adds nothing. */
const underway: readonly PublicationStatus[] = ["queued", "in_progress", "retrying"];

/**
 * Called in the same transaction as every change to an intervention's data: when the change
 * makes it eligible, its publication is queued in that transaction (a rollback enqueues
 * nothing; a commit loses nothing). A correction of data that needed review re-triggers it.
 */
export async function onInterventionChanged(tx: Executor, interventionId: string, actor: Principal): Promise<Eligibility> {
  const { publicationStatus, eligibility } = await eligibilityOf(tx, interventionId);
  if (publicationStatus === "published") return eligibility;
  if (eligibility.eligible) {
    if (underway.includes(publicationStatus)) return eligibility;
    await tx
      .update(publications)
      .set({ status: "queued", queuedAt: sql`now()`, nextAttemptAt: null, problems: null, updatedAt: sql`now()` })
      .where(eq(publications.interventionId, interventionId));
    await enqueuePublication(tx, config().DATABASE_URL, { interventionId, trigger: "automatic", triggeredBy: actor.label });
  } else if (publicationStatus !== "not_ready" && publicationStatus !== "in_progress") {
    // The worker re-checks eligibility before sending, so a job already queued does nothing.
    await tx
      .update(publications)
      .set({ status: "not_ready", nextAttemptAt: null, updatedAt: sql`now()` })
      .where(eq(publications.interventionId, interventionId));
  }
  return eligibility;
}

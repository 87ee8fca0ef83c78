import { asc, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import {
  beneficiaries,
  interventionDocuments,
  interventionOperations,
  interventionPhotos,
  interventionProducts,
  interventions,
  publications,
} from "@/db/schema";

/** An intervention with everything a dossier is made of. */
export async function loadInterventionAggregate(db: Executor, where: { reference: string } | { id: string }) {
  const [row] = await db
    .select({ intervention: interventions, beneficiary: beneficiaries, publication: publications })
    .from(interventions)
    .innerJoin(beneficiaries, eq(beneficiaries.id, interventions.beneficiaryId))
    .innerJoin(publications, eq(publications.interventionId, interventions.id))
    .where("reference" in where ? eq(interventions.reference, where.reference) : eq(interventions.id, where.id));
  if (!row) return null;
  const id = row.intervention.id;
  const [operations, products, documents, photos] = await Promise.all([
    db.select().from(interventionOperations).where(eq(interventionOperations.interventionId, id)).orderBy(asc(interventionOperations.position)),
    db.select().from(interventionProducts).where(eq(interventionProducts.interventionId, id)).orderBy(asc(interventionProducts.position)),
    db.select().from(interventionDocuments).where(eq(interventionDocuments.interventionId, id)).orderBy(asc(interventionDocuments.position)),
    db.select().from(interventionPhotos).where(eq(interventionPhotos.interventionId, id)).orderBy(asc(interventionPhotos.position)),
  ]);
  return { ...row.intervention, beneficiary: row.beneficiary, publication: row.publication, operations, products, documents, photos };
}

export type InterventionAggregate = NonNullable<Awaited<ReturnType<typeof loadInterventionAggregate>>>;

/** A name or city not given yet is left out. */
export function searchTextOf(reference: string, firstName: string | null, lastName: string | null, city: string | null): string {
  return [reference, firstName ?? "", lastName ?? "", city ?? ""].join(" ").toLowerCase();
}

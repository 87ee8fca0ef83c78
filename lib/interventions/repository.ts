import { asc, eq, inArray } from "drizzle-orm";
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

/**
 * The aggregates of many interventions in five set queries, whatever their number (a worker's
 * batch): keyed by intervention id, those that do not exist left out.
 */
export async function loadInterventionAggregates(db: Executor, ids: readonly string[]): Promise<Map<string, InterventionAggregate>> {
  const aggregates = new Map<string, InterventionAggregate>();
  if (ids.length === 0) return aggregates;
  const wanted = [...new Set(ids)];
  const [rows, operations, products, documents, photos] = await Promise.all([
    db
      .select({ intervention: interventions, beneficiary: beneficiaries, publication: publications })
      .from(interventions)
      .innerJoin(beneficiaries, eq(beneficiaries.id, interventions.beneficiaryId))
      .innerJoin(publications, eq(publications.interventionId, interventions.id))
      .where(inArray(interventions.id, wanted)),
    db.select().from(interventionOperations).where(inArray(interventionOperations.interventionId, wanted)).orderBy(asc(interventionOperations.interventionId), asc(interventionOperations.position)),
    db.select().from(interventionProducts).where(inArray(interventionProducts.interventionId, wanted)).orderBy(asc(interventionProducts.interventionId), asc(interventionProducts.position)),
    db.select().from(interventionDocuments).where(inArray(interventionDocuments.interventionId, wanted)).orderBy(asc(interventionDocuments.interventionId), asc(interventionDocuments.position)),
    db.select().from(interventionPhotos).where(inArray(interventionPhotos.interventionId, wanted)).orderBy(asc(interventionPhotos.interventionId), asc(interventionPhotos.position)),
  ]);
  for (const row of rows) {
    aggregates.set(row.intervention.id, { ...row.intervention, beneficiary: row.beneficiary, publication: row.publication, operations: [], products: [], documents: [], photos: [] });
  }
  // Each list arrives in position order per intervention, so appending keeps that order.
  for (const operation of operations) aggregates.get(operation.interventionId)?.operations.push(operation);
  for (const product of products) aggregates.get(product.interventionId)?.products.push(product);
  for (const document of documents) aggregates.get(document.interventionId)?.documents.push(document);
  for (const photo of photos) aggregates.get(photo.interventionId)?.photos.push(photo);
  return aggregates;
}

/** A name or city not given yet is left out. */
export function searchTextOf(reference: string, firstName: string | null, lastName: string | null, city: string | null): string {
  return [reference, firstName ?? "", lastName ?? "", city ?? ""].join(" ").toLowerCase();
}

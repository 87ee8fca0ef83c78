import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { beneficiaries, interventionDocuments, interventionOperations, interventionPhotos, interventionProducts, interventions } from "@/db/schema";
import type { DossierSource } from "./mapping";

/** A dossier source as `dossierSourceJson` reads it: the same fields, its date as JSON text. */
export type DossierSourceJson = Omit<DossierSource, "completedAt"> & { completedAt: string | null };

/** `[{ field: column, … }]` of an intervention's list, in the workforce app's order; `[]` when empty. */
function listOf(table: typeof interventionOperations | typeof interventionProducts | typeof interventionDocuments | typeof interventionPhotos, fields: SQL): SQL {
  return sql`(select coalesce(json_agg(json_build_object(${fields}) order by ${table.position}), '[]'::json) from ${table} where ${table.interventionId} = ${interventions.id})`;
}

/**
 * SQL: everything the mapping reads of intervention `interventionId`, as one JSON object (null when
 * there is no such intervention). A batch's claim selects it with its row locks, so a batch of
 * publications is read in the claim's one statement rather than in five more of their own.
 */
export function dossierSourceJson(interventionId: SQLWrapper): SQL<DossierSourceJson | null> {
  return sql<DossierSourceJson | null>`(
    select json_build_object(
      'reference', ${interventions.reference}, 'completedAt', ${interventions.completedAt},
      'address', ${interventions.address}, 'postalCode', ${interventions.postalCode}, 'city', ${interventions.city},
      'pdl', ${interventions.pdl}, 'pce', ${interventions.pce},
      'beneficiary', json_build_object('firstName', ${beneficiaries.firstName}, 'lastName', ${beneficiaries.lastName}, 'email', ${beneficiaries.email}, 'phone', ${beneficiaries.phone}),
      'operations', ${listOf(interventionOperations, sql`'code', ${interventionOperations.code}`)},
      'products', ${listOf(interventionProducts, sql`'name', ${interventionProducts.name}, 'model', ${interventionProducts.model}`)},
      'documents', ${listOf(interventionDocuments, sql`'type', ${interventionDocuments.type}, 'filePath', ${interventionDocuments.filePath}`)},
      'photos', ${listOf(interventionPhotos, sql`'filePath', ${interventionPhotos.filePath}`)})
    from ${interventions} join ${beneficiaries} on ${beneficiaries.id} = ${interventions.beneficiaryId}
    where ${interventions.id} = ${interventionId})`;
}

/** The dossier source read by `dossierSourceJson`. */
export function dossierSourceOf(json: DossierSourceJson): DossierSource {
  return { ...json, completedAt: json.completedAt === null ? null : new Date(json.completedAt) };
}

import type { Executor } from "@/db/client";
import { toIsoOrNull } from "@/lib/dates";
import { loadInterventionAggregate } from "@/lib/interventions/repository";

/** The intervention in the workforce app's field names, with its version and publication summary. */
export async function getInterventionView(db: Executor, reference: string) {
  const aggregate = await loadInterventionAggregate(db, { reference });
  if (!aggregate) return null;
  const { beneficiary, publication } = aggregate;
  return {
    reference: aggregate.reference,
    version: aggregate.version,
    beneficiary_first_name: beneficiary.firstName,
    beneficiary_last_name: beneficiary.lastName,
    beneficiary_email: beneficiary.email,
    beneficiary_phone: beneficiary.phone,
    address: aggregate.address,
    postal_code: aggregate.postalCode,
    city: aggregate.city,
    pdl: aggregate.pdl,
    pce: aggregate.pce,
    operations: aggregate.operations.map((o) => ({ code: o.code })),
    products: aggregate.products.map((p) => ({ name: p.name, model: p.model })),
    documents: aggregate.documents.map((d) => ({
      file_path: d.filePath,
      type: d.type,
      requires_signature: d.requiresSignature,
      signed_at: toIsoOrNull(d.signedAt),
    })),
    photos: aggregate.photos.map((p) => ({ file_path: p.filePath })),
    status: aggregate.status,
    contract_signed_at: toIsoOrNull(beneficiary.contractSignedAt),
    completed_at: toIsoOrNull(aggregate.completedAt),
    created_at: toIsoOrNull(aggregate.createdAt),
    updated_at: toIsoOrNull(aggregate.updatedAt),
    publication: {
      status: publication.status,
      dossier_id: publication.dossierId,
      dossier_status: publication.dossierStatus,
      published_at: toIsoOrNull(publication.publishedAt),
    },
  };
}

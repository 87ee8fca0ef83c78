import { rm } from "node:fs/promises";
import { and, eq, inArray, notInArray, or, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import {
  auditLog,
  beneficiaries,
  interventionDocuments,
  interventionPhotos,
  interventions,
  publicationAttempts,
  publications,
  webhookEvents,
} from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { searchTextOf } from "@/lib/interventions/repository";
import { isUnderway, markErased } from "@/lib/publication/status";

/** What replaces an erased value in a NOT NULL column. */
const ERASED = "[erased]";

import { toIsoOrNull as iso } from "@/lib/dates";

/** The beneficiary behind an intervention reference (one person may have several interventions). */
async function beneficiaryOf(db: Executor, reference: string) {
  const [row] = await db
    .select({ beneficiary: beneficiaries })
    .from(interventions)
    .innerJoin(beneficiaries, eq(beneficiaries.id, interventions.beneficiaryId))
    .where(eq(interventions.reference, reference));
  if (!row) throw new AppError("not_found", { key: "noIntervention", values: { reference } });
  return row.beneficiary;
}

/**
 * Everything the product holds about the person behind an intervention (GDPR art. 15 and 20):
 * their identity and contact details, and for each of their interventions the place, the meter
 * points, the files and where its publication stands. Recorded in the audit log.
 */
export async function exportBeneficiaryData(db: Database, reference: string, actor: Principal) {
  const beneficiary = await beneficiaryOf(db, reference);
  const rows = await db
    .select({ intervention: interventions, publication: publications })
    .from(interventions)
    .innerJoin(publications, eq(publications.interventionId, interventions.id))
    .where(eq(interventions.beneficiaryId, beneficiary.id))
    .orderBy(interventions.createdAt);
  const ids = rows.map((row) => row.intervention.id);
  const [documents, photos] = await Promise.all([
    db.select().from(interventionDocuments).where(inArray(interventionDocuments.interventionId, ids)).orderBy(interventionDocuments.position),
    db.select().from(interventionPhotos).where(inArray(interventionPhotos.interventionId, ids)).orderBy(interventionPhotos.position),
  ]);
  await recordAudit(db, actor, "beneficiary.exported", rows.find((row) => row.intervention.reference === reference)?.intervention.id ?? null, {
    beneficiaryId: beneficiary.id,
  });
  return {
    exported_at: new Date().toISOString(),
    beneficiary: {
      id: beneficiary.id,
      first_name: beneficiary.firstName,
      last_name: beneficiary.lastName,
      email: beneficiary.email,
      phone: beneficiary.phone,
      contract_signed_at: iso(beneficiary.contractSignedAt),
      erased_at: iso(beneficiary.erasedAt),
      created_at: iso(beneficiary.createdAt),
    },
    interventions: rows.map(({ intervention, publication }) => ({
      reference: intervention.reference,
      address: intervention.address,
      postal_code: intervention.postalCode,
      city: intervention.city,
      pdl: intervention.pdl,
      pce: intervention.pce,
      status: intervention.status,
      completed_at: iso(intervention.completedAt),
      documents: documents
        .filter((d) => d.interventionId === intervention.id)
        .map((d) => ({ file_path: d.filePath, type: d.type, signed_at: iso(d.signedAt) })),
      photos: photos.filter((p) => p.interventionId === intervention.id).map((p) => ({ file_path: p.filePath })),
      publication: {
        status: publication.status,
        dossier_id: publication.dossierId,
        dossier_status: publication.dossierStatus,
        published_at: iso(publication.publishedAt),
      },
    })),
  };
}

export interface ErasureResult {
  erased_at: string;
  interventions: string[];
  files_deleted: number;
}

/**
 * Erases the personal data of the person behind an intervention (GDPR art. 17), for all their
 * interventions: identity and contact details, street address, meter points, their documents and
 * photos (rows and files), and every free text that may quote them (Symphonics' answers and
 * messages, webhook payloads, field problems). Kept, as the non-personal publication history:
 * references, statuses, dates, dossier ids, attempts (operation, status, code, duration), webhook
 * event types, the audit trail. An intervention not yet published is cancelled, since it can no
 * longer be published. Idempotent.
 */
export async function eraseBeneficiaryData(db: Database, reference: string, actor: Principal, storageRoot: (relative: string) => string | null): Promise<ErasureResult> {
  const { result, files } = await db.transaction(async (tx) => {
    const beneficiary = await beneficiaryOf(tx, reference);
    const owned = await tx
      .select({ id: interventions.id, reference: interventions.reference, city: interventions.city, status: interventions.status, publicationStatus: publications.status, dossierId: publications.dossierId })
      .from(interventions)
      .innerJoin(publications, eq(publications.interventionId, interventions.id))
      .where(eq(interventions.beneficiaryId, beneficiary.id))
      .for("update");
    // While a publication is on its way, erasing would send "[erased]" to Symphonics or race the worker.
    const busy = owned.filter((row) => isUnderway(row.publicationStatus));
    if (busy.length) {
      throw new AppError(
        "publication_underway",
        `The publication of ${busy.map((row) => row.reference).join(", ")} is underway; erase once it is published, needs review or has failed.`,
        { extra: { references: busy.map((row) => row.reference) } },
      );
    }
    const ids = owned.map((row) => row.id);

    await tx
      .update(beneficiaries)
      .set({ firstName: ERASED, lastName: ERASED, email: ERASED, phone: ERASED, erasedAt: beneficiary.erasedAt ?? sql`now()`, updatedAt: sql`now()` })
      .where(eq(beneficiaries.id, beneficiary.id));
    for (const row of owned) {
      await tx
        .update(interventions)
        .set({
          address: ERASED,
          pdl: ERASED,
          pce: null,
          searchText: searchTextOf(row.reference, "", "", row.city),
          status: row.status === "published" ? "published" : "cancelled",
          updatedAt: sql`now()`,
        })
        .where(eq(interventions.id, row.id));
    }
    const documents = await tx.delete(interventionDocuments).where(inArray(interventionDocuments.interventionId, ids)).returning({ path: interventionDocuments.filePath });
    const photos = await tx.delete(interventionPhotos).where(inArray(interventionPhotos.interventionId, ids)).returning({ path: interventionPhotos.filePath });
    await markErased(tx, owned.map((row) => ({ interventionId: row.id, status: row.publicationStatus })));
    await tx.update(publicationAttempts).set({ responseExcerpt: null, message: null }).where(inArray(publicationAttempts.interventionId, ids));
    const dossierIds = owned.flatMap((row) => (row.dossierId ? [row.dossierId] : []));
    const references = owned.map((row) => row.reference);
    await tx
      .update(webhookEvents)
      .set({ payload: null, reason: null })
      .where(or(inArray(webhookEvents.externalReference, references), dossierIds.length ? inArray(webhookEvents.dossierId, dossierIds) : undefined));
    // Field problems recorded in the audit trail may quote the values; who did what stays.
    await tx
      .update(auditLog)
      .set({ details: sql`${auditLog.details} - 'problems'` })
      .where(and(inArray(auditLog.interventionId, ids), sql`${auditLog.details} ? 'problems'`));

    // A stored file may be shared with another intervention (same path): only unshared ones go.
    const paths = [...new Set([...documents, ...photos].map((file) => file.path))];
    const stillUsed = paths.length
      ? new Set(
          (
            await Promise.all([
              tx.select({ path: interventionDocuments.filePath }).from(interventionDocuments).where(and(inArray(interventionDocuments.filePath, paths), notInArray(interventionDocuments.interventionId, ids))),
              tx.select({ path: interventionPhotos.filePath }).from(interventionPhotos).where(and(inArray(interventionPhotos.filePath, paths), notInArray(interventionPhotos.interventionId, ids))),
            ])
          )
            .flat()
            .map((row) => row.path),
        )
      : new Set<string>();
    const files = paths.filter((path) => !stillUsed.has(path));

    const [after] = await tx.select({ erasedAt: beneficiaries.erasedAt }).from(beneficiaries).where(eq(beneficiaries.id, beneficiary.id));
    await recordAudit(tx, actor, "beneficiary.erased", owned.find((row) => row.reference === reference)?.id ?? null, {
      beneficiaryId: beneficiary.id,
      interventions: references,
      files: files.length,
    });
    return { result: { erased_at: after!.erasedAt!.toISOString(), interventions: references }, files };
  });

  // Files go once the erasure is committed: a rollback must not have destroyed them.
  let deleted = 0;
  for (const relative of files) {
    const absolute = storageRoot(relative);
    if (!absolute) continue;
    await rm(absolute, { force: true });
    deleted++;
  }
  return { ...result, files_deleted: deleted };
}

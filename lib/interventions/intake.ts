import { and, eq, inArray, sql } from "drizzle-orm";
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
import { recordAudit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/roles";
import { AppError, validationFailed } from "@/lib/errors";
import { publicationQueue } from "@/lib/publication/queue";
import { onInterventionChanged } from "@/lib/publication/trigger";
import type { InterventionInput, InterventionPatch } from "./intake-schema";
import { searchTextOf } from "./repository";
import { checkInitialStatus, checkTransition, statusAfterReplace } from "./status";

const date = (value: string | null | undefined) => (value ? new Date(value) : null);

function versionConflict(current: number): AppError {
  return new AppError("version_conflict", { key: "versionConflict", values: { version: String(current) } }, {
    extra: { currentVersion: current },
  });
}

function forbiddenTransition(reason: string): AppError {
  return new AppError("forbidden_transition", reason);
}

/** Every write takes the intervention's row lock first, so concurrent writes serialise. */
async function lockByReference(tx: Executor, reference: string) {
  const [row] = await tx.select().from(interventions).where(eq(interventions.reference, reference)).for("update");
  return row ?? null;
}

async function replaceChildren(tx: Executor, interventionId: string, input: InterventionInput) {
  await Promise.all([
    tx.delete(interventionOperations).where(eq(interventionOperations.interventionId, interventionId)),
    tx.delete(interventionProducts).where(eq(interventionProducts.interventionId, interventionId)),
    tx.delete(interventionDocuments).where(eq(interventionDocuments.interventionId, interventionId)),
    tx.delete(interventionPhotos).where(eq(interventionPhotos.interventionId, interventionId)),
  ]);
  const withPosition = <T>(items: T[]) => items.map((item, position) => ({ ...item, position, interventionId }));
  if (input.operations.length) await tx.insert(interventionOperations).values(withPosition(input.operations));
  if (input.products.length) await tx.insert(interventionProducts).values(withPosition(input.products));
  if (input.documents.length) {
    await tx.insert(interventionDocuments).values(
      withPosition(
        input.documents.map((d) => ({
          filePath: d.file_path,
          type: d.type ?? null,
          requiresSignature: d.requires_signature,
          signedAt: date(d.signed_at),
        })),
      ),
    );
  }
  // Thousands of photos are possible; insert in chunks to stay under the bind-parameter limit.
  const photos = withPosition(input.photos.map((p) => ({ filePath: p.file_path })));
  for (let i = 0; i < photos.length; i += 1000) await tx.insert(interventionPhotos).values(photos.slice(i, i + 1000));
}

export interface WriteOptions {
  /** The version the caller last read (from If-Match); a mismatch is a conflict. */
  expectedVersion?: number;
}

/**
 * Creates or replaces a whole intervention. A replacement keeps the publication history; a
 * published intervention stays published. Returns whether it was created.
 */
export async function putIntervention(
  db: Executor,
  reference: string,
  input: InterventionInput,
  actor: Principal,
  options: WriteOptions = {},
): Promise<{ created: boolean; id: string }> {
  return db.transaction(async (tx) => {
    const current = await lockByReference(tx, reference);
    const beneficiary = {
      firstName: input.beneficiary_first_name ?? null,
      lastName: input.beneficiary_last_name ?? null,
      email: input.beneficiary_email ?? null,
      phone: input.beneficiary_phone ?? null,
      contractSignedAt: date(input.contract_signed_at),
    };
    const place = {
      address: input.address ?? null,
      postalCode: input.postal_code ?? null,
      city: input.city ?? null,
      pdl: input.pdl ?? null,
      pce: input.pce || null,
      searchText: searchTextOf(reference, input.beneficiary_first_name ?? null, input.beneficiary_last_name ?? null, input.city ?? null),
    };
    // A completion date the field team gives stands; without one it is when installation_done was reached.
    const givenCompletedAt = date(input.completed_at);

    if (!current) {
      if (options.expectedVersion !== undefined) throw new AppError("not_found", { key: "noIntervention", values: { reference } });
      const transition = checkInitialStatus(input.status);
      if (!transition.ok) throw forbiddenTransition(transition.reason);
      const [{ id: beneficiaryId }] = (await tx.insert(beneficiaries).values(beneficiary).returning({ id: beneficiaries.id })) as [
        { id: string },
      ];
      const [created] = await tx
        .insert(interventions)
        .values({
          reference,
          beneficiaryId,
          ...place,
          status: input.status,
          completedAt: givenCompletedAt ?? (input.status === "installation_done" ? sql`now()` : null),
        })
        // A concurrent create of the same reference loses here and retries as a replace.
        .onConflictDoNothing({ target: interventions.reference })
        .returning({ id: interventions.id });
      if (!created) throw new AppError("concurrent_create", { key: "concurrentCreate", values: { reference } });
      await tx.insert(publications).values({ interventionId: created.id });
      await replaceChildren(tx, created.id, input);
      await recordAudit(tx, actor, "intervention.created", created.id, { status: input.status });
      await onInterventionChanged(tx, publicationQueue(), created.id, actor);
      return { created: true, id: created.id };
    }

    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) throw versionConflict(current.version);
    const transition = checkTransition(current.status, statusAfterReplace(current.status, input.status));
    if (!transition.ok) throw forbiddenTransition(transition.reason);
    const status = statusAfterReplace(current.status, input.status);
    await tx.update(beneficiaries).set({ ...beneficiary, updatedAt: sql`now()` }).where(eq(beneficiaries.id, current.beneficiaryId));
    await tx
      .update(interventions)
      .set({
        ...place,
        status,
        completedAt: givenCompletedAt ?? (status === "installation_done" && current.status !== "installation_done" ? sql`now()` : current.completedAt),
        version: current.version + 1,
        updatedAt: sql`now()`,
      })
      .where(eq(interventions.id, current.id));
    await replaceChildren(tx, current.id, input);
    await recordAudit(tx, actor, "intervention.replaced", current.id, { from: current.status, to: status });
    await onInterventionChanged(tx, publicationQueue(), current.id, actor);
    return { created: false, id: current.id };
  });
}

/** Changes the status, records document signatures or the contract signature. */
export async function patchIntervention(
  db: Executor,
  reference: string,
  patch: InterventionPatch,
  actor: Principal,
  options: WriteOptions = {},
): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockByReference(tx, reference);
    if (!current) throw new AppError("not_found", { key: "noIntervention", values: { reference } });
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) throw versionConflict(current.version);
    if (current.status === "cancelled") throw forbiddenTransition("The intervention is cancelled; cancelled is final.");

    const status = patch.status ?? current.status;
    const transition = checkTransition(current.status, status);
    if (!transition.ok) throw forbiddenTransition(transition.reason);

    if (patch.documents) {
      const paths = patch.documents.map((d) => d.file_path);
      const known = await tx
        .select({ filePath: interventionDocuments.filePath })
        .from(interventionDocuments)
        .where(and(eq(interventionDocuments.interventionId, current.id), inArray(interventionDocuments.filePath, paths)));
      const knownPaths = new Set(known.map((k) => k.filePath));
      const unknown = patch.documents.flatMap((d, index) =>
        knownPaths.has(d.file_path)
          ? []
          : [{ field: `documents[${index}].file_path`, message: `The intervention has no document ${d.file_path}.` }],
      );
      if (unknown.length) throw validationFailed(unknown);
      for (const document of patch.documents) {
        await tx
          .update(interventionDocuments)
          .set({ signedAt: new Date(document.signed_at) })
          .where(and(eq(interventionDocuments.interventionId, current.id), eq(interventionDocuments.filePath, document.file_path)));
      }
    }
    if (patch.contract_signed_at !== undefined) {
      await tx
        .update(beneficiaries)
        .set({ contractSignedAt: date(patch.contract_signed_at), updatedAt: sql`now()` })
        .where(eq(beneficiaries.id, current.beneficiaryId));
    }
    await tx
      .update(interventions)
      .set({
        status,
        completedAt: date(patch.completed_at) ?? (status === "installation_done" && current.status !== "installation_done" ? sql`now()` : current.completedAt),
        version: current.version + 1,
        updatedAt: sql`now()`,
      })
      .where(eq(interventions.id, current.id));
    await recordAudit(tx, actor, "intervention.patched", current.id, {
      ...(patch.status ? { from: current.status, to: status } : {}),
      ...(patch.contract_signed_at !== undefined ? { contractSigned: patch.contract_signed_at !== null } : {}),
      ...(patch.completed_at !== undefined ? { completedAt: patch.completed_at } : {}),
      ...(patch.documents ? { documentsSigned: patch.documents.map((d) => d.file_path) } : {}),
    });
    await onInterventionChanged(tx, publicationQueue(), current.id, actor);
  });
}

import { desc, eq, or } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { publicationAttempts, webhookEvents, type PublicationStatus } from "@/db/schema";
import { mapInterventionToDossier } from "@/lib/dossier/mapping";
import { checkEligibility } from "@/lib/publication/eligibility";
import { isUnderway, type UnderwayStatus } from "@/lib/publication/status";
import { loadInterventionAggregate } from "@/lib/interventions/repository";
import { fileStorage } from "@/lib/storage/files";

/** Enough history to diagnose; older attempts stay in the database. */
const HISTORY_LIMIT = 100;
/** Thumbnails shown at once; a dossier can hold 2,000 photos. */
const THUMBNAIL_LIMIT = 48;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** A same-site link to a stored file: the dashboard loads files from itself, not from the public base URL. */
function dashboardFileUrl(path: string): string {
  const signed = new URL(fileStorage.signedUrl(path));
  return `${signed.pathname}${signed.search}`;
}

/** Why a person cannot ask for a publication already under way (the publish endpoint answers 409). */
const underwayReasons: Record<UnderwayStatus, string> = {
  queued: "It is already queued: a worker will send it shortly.",
  in_progress: "A worker is sending it to Symphonics right now.",
  retrying: "An automatic retry is already scheduled (see Next automatic attempt).",
};
const underway = (status: PublicationStatus): string | null => (isUnderway(status) ? underwayReasons[status] : null);

/** Everything the intervention page shows, in one read. */
export async function interventionDetail(db: Executor, reference: string) {
  const aggregate = await loadInterventionAggregate(db, { reference });
  if (!aggregate) return null;
  const { beneficiary, publication } = aggregate;

  const [attempts, events, mapping] = await Promise.all([
    db
      .select()
      .from(publicationAttempts)
      .where(eq(publicationAttempts.interventionId, aggregate.id))
      .orderBy(desc(publicationAttempts.startedAt), desc(publicationAttempts.id))
      .limit(HISTORY_LIMIT),
    db
      .select()
      .from(webhookEvents)
      .where(
        publication.dossierId
          ? or(eq(webhookEvents.externalReference, reference), eq(webhookEvents.dossierId, publication.dossierId))
          : eq(webhookEvents.externalReference, reference),
      )
      .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
      .limit(HISTORY_LIMIT),
    // Links anchored as the worker anchors them (lib/publication/publish.ts), so the payload shown
    // is byte for byte the one sent for the current data.
    mapInterventionToDossier(aggregate, {
      signUrl: (path) => fileStorage.signedUrl(path, publication.queuedAt ?? publication.createdAt),
      fileExists: (path) => fileStorage.exists(path),
    }),
  ]);

  const eligibility = checkEligibility({
    status: aggregate.status,
    contractSignedAt: beneficiary.contractSignedAt,
    documents: aggregate.documents,
    publicationStatus: publication.status,
  });
  const blockers = [
    ...(eligibility.eligible ? [] : eligibility.reasons),
    ...[underway(publication.status)].filter((reason) => reason !== null),
    ...(mapping.ok || publication.status === "published" ? [] : ["The data has problems to correct first (listed under Validation problems)."]),
  ];

  return {
    reference: aggregate.reference,
    status: aggregate.status,
    version: aggregate.version,
    completedAt: iso(aggregate.completedAt),
    createdAt: iso(aggregate.createdAt)!,
    updatedAt: iso(aggregate.updatedAt)!,
    beneficiary: {
      firstName: beneficiary.firstName,
      lastName: beneficiary.lastName,
      email: beneficiary.email,
      phone: beneficiary.phone,
      contractSignedAt: iso(beneficiary.contractSignedAt),
      erasedAt: iso(beneficiary.erasedAt),
    },
    installation: { address: aggregate.address, postalCode: aggregate.postalCode, city: aggregate.city, pdl: aggregate.pdl, pce: aggregate.pce },
    operations: aggregate.operations.map((o) => o.code),
    products: aggregate.products.map((p) => ({ name: p.name, model: p.model })),
    documents: aggregate.documents.map((d) => ({
      filePath: d.filePath,
      type: d.type,
      requiresSignature: d.requiresSignature,
      signedAt: iso(d.signedAt),
      url: dashboardFileUrl(d.filePath),
    })),
    photos: {
      total: aggregate.photos.length,
      thumbnails: aggregate.photos.slice(0, THUMBNAIL_LIMIT).map((p) => ({ filePath: p.filePath, url: dashboardFileUrl(p.filePath) })),
    },
    publication: {
      status: publication.status,
      dossierId: publication.dossierId,
      dossierStatus: publication.dossierStatus,
      rejectionReason: publication.rejectionReason,
      attemptCount: publication.attemptCount,
      lastErrorCode: publication.lastErrorCode,
      lastErrorMessage: publication.lastErrorMessage,
      lastErrorAt: iso(publication.lastErrorAt),
      nextAttemptAt: iso(publication.nextAttemptAt),
      queuedAt: iso(publication.queuedAt),
      publishedAt: iso(publication.publishedAt),
      /** Problems Symphonics reported for the last dossier sent. */
      problems: publication.problems ?? [],
    },
    /** The dossier as it is (or would now be) sent, or what must be corrected first. */
    dossier: mapping.ok
      ? { ok: true as const, payload: mapping.payload, extraPhotoBatches: mapping.extraPhotoBatches.length }
      : { ok: false as const, problems: mapping.problems },
    /** Why Publish now / Retry now cannot be used at the moment; empty when they can. */
    blockers,
    attempts: attempts.map((a) => ({
      id: a.id,
      operation: a.operation,
      trigger: a.trigger,
      triggeredBy: a.triggeredBy,
      outcome: a.outcome,
      httpStatus: a.httpStatus,
      problemCode: a.problemCode,
      message: a.message,
      durationMs: a.durationMs,
      correlationId: a.correlationId,
      startedAt: iso(a.startedAt)!,
    })),
    webhookEvents: events.map((e) => ({
      id: e.id,
      type: e.type,
      status: e.status,
      reason: e.reason,
      outcome: e.outcome,
      dossierId: e.dossierId,
      occurredAt: iso(e.occurredAt),
      receivedAt: iso(e.receivedAt)!,
    })),
  };
}

export type InterventionDetail = NonNullable<Awaited<ReturnType<typeof interventionDetail>>>;

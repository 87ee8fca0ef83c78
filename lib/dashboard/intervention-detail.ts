import type { Executor } from "@/db/client";
import { toIsoOrNull } from "@/lib/dates";
import { mapInterventionToDossier } from "@/lib/dossier/mapping";
import { checkEligibility } from "@/lib/publication/eligibility";
import { isRejected, syncStateOf } from "@/lib/publication/status";
import { loadInterventionAggregate } from "@/lib/interventions/repository";
import { fileStorage } from "@/lib/storage/files";
import type { Locale } from "@/lib/i18n/locales";
import { attemptText, dataProblemsBlocker, explainPublication, problemText, retryBlocker, triggerText } from "@/lib/publication/explanations";
import { attemptView, publicationHistory, publicationView, readPipelineConditions, webhookEventView } from "./publication";
import { interventionAudits, timelineOf } from "./timeline";

/** Enough history to diagnose; older attempts stay in the database. */
const HISTORY_LIMIT = 100;
/** Thumbnails shown at once; a dossier can hold 2,000 photos. */
const THUMBNAIL_LIMIT = 48;

/** A same-site link to a stored file: the dashboard loads files from itself, not from the public base URL. */
function dashboardFileUrl(path: string): string {
  const signed = new URL(fileStorage.signedUrl(path));
  return `${signed.pathname}${signed.search}`;
}


/** Everything the intervention page shows, in one read. */
export async function interventionDetail(db: Executor, reference: string, locale: Locale = "en") {
  const aggregate = await loadInterventionAggregate(db, { reference });
  if (!aggregate) return null;
  const { beneficiary, publication } = aggregate;

  // One row more than shown tells the timeline whether older entries exist; the tables show HISTORY_LIMIT.
  const [history, audits, conditions, mapping] = await Promise.all([
    publicationHistory(db, { id: aggregate.id, reference: aggregate.reference, dossierId: publication.dossierId }, HISTORY_LIMIT + 1),
    interventionAudits(db, aggregate.id, HISTORY_LIMIT + 1),
    readPipelineConditions(db, locale),
    // Links anchored as the worker anchors them (lib/publication/publish.ts), so the payload shown
    // is byte for byte the one sent for the current data.
    mapInterventionToDossier(aggregate, {
      signUrl: (path) => fileStorage.signedUrl(path, publication.queuedAt ?? publication.createdAt),
      fileExists: (path) => fileStorage.exists(path),
      locale,
    }),
  ]);

  const timeline = timelineOf({ ...history, audits }, { gaveUp: publication.status === "failed" }, HISTORY_LIMIT, locale);
  const attempts = history.attempts.slice(0, HISTORY_LIMIT);
  const events = history.events.slice(0, HISTORY_LIMIT);

  const eligibility = checkEligibility({
    status: aggregate.status,
    contractSignedAt: beneficiary.contractSignedAt,
    documents: aggregate.documents,
    publicationStatus: publication.status,
  }, locale);
  // A retry scheduled for later can be brought forward, so it is no reason; one being sent, or due now, is.
  const rejected = isRejected(publication);
  const underway = publication.status === "in_progress" || publication.status === "queued" ? retryBlocker(publication, conditions.now, locale) : null;
  const blockers = rejected
    ? [retryBlocker(publication, conditions.now, locale)!]
    : [
        ...(eligibility.eligible ? [] : eligibility.reasons),
        ...[underway].filter((reason) => reason !== null),
        ...(mapping.ok || publication.status === "published" || publication.status === "resolved" ? [] : [dataProblemsBlocker(locale)]),
      ];

  return {
    reference: aggregate.reference,
    status: aggregate.status,
    version: aggregate.version,
    completedAt: toIsoOrNull(aggregate.completedAt),
    createdAt: toIsoOrNull(aggregate.createdAt),
    updatedAt: toIsoOrNull(aggregate.updatedAt),
    beneficiary: {
      firstName: beneficiary.firstName,
      lastName: beneficiary.lastName,
      email: beneficiary.email,
      phone: beneficiary.phone,
      contractSignedAt: toIsoOrNull(beneficiary.contractSignedAt),
      erasedAt: toIsoOrNull(beneficiary.erasedAt),
    },
    installation: { address: aggregate.address, postalCode: aggregate.postalCode, city: aggregate.city, pdl: aggregate.pdl, pce: aggregate.pce },
    operations: aggregate.operations.map((o) => o.code),
    products: aggregate.products.map((p) => ({ name: p.name, model: p.model })),
    documents: aggregate.documents.map((d) => ({
      filePath: d.filePath,
      type: d.type,
      requiresSignature: d.requiresSignature,
      signedAt: toIsoOrNull(d.signedAt),
      url: dashboardFileUrl(d.filePath),
    })),
    photos: {
      total: aggregate.photos.length,
      thumbnails: aggregate.photos.slice(0, THUMBNAIL_LIMIT).map((p) => ({ filePath: p.filePath, url: dashboardFileUrl(p.filePath) })),
    },
    /** The publication as `GET /api/interventions/{reference}/sync-status` shows it. */
    publication: publicationView(publication),
    /** What the badge shows: the publication's status, or cancelled. */
    syncState: syncStateOf(publication.status, aggregate.status),
    /** A rejected dossier waiting for a person: its files can be checked and it can be marked resolved. */
    resolvable: rejected,
    resolution: publication.resolvedAt ? { at: toIsoOrNull(publication.resolvedAt), by: publication.resolvedBy, note: publication.resolutionNote } : null,
    /** The dossier as it is (or would now be) sent, or what must be corrected first. */
    dossier: mapping.ok
      ? { ok: true as const, payload: mapping.payload, extraPhotoBatches: mapping.extraPhotoBatches.length }
      : { ok: false as const, problems: mapping.problems },
    /** Why Publish now / Retry now cannot be used at the moment; empty when they can. */
    blockers,
    /** Where it stands and what happens next, in words (the same as sync-status's `explanation`). */
    explanation: explainPublication(publication, { status: aggregate.status, notReadyReasons: eligibility.eligible ? [] : eligibility.reasons }, conditions),
    /** The last error in words; its code and message are the details. */
    lastErrorText: publication.lastErrorCode ? problemText(publication.lastErrorCode, null, locale) : null,
    attempts: attempts.map((attempt, index) => ({
      id: attempt.id,
      ...attemptView(attempt),
      // The newest failing exchange of a spent budget is where the retries stopped.
      text: attemptText(attempt, index === 0 && publication.status === "failed" && !attempt.outcome.startsWith("success"), locale),
      by: triggerText(attempt.trigger, attempt.triggeredBy, locale),
      response_excerpt: attempt.responseExcerpt,
    })),
    webhookEvents: events.map((event) => ({ id: event.id, ...webhookEventView(event) })),
    /** Triggers, exchanges, notifications, outcomes and staff actions in one list, newest first: what the page shows. */
    timeline,
  };
}

export type InterventionDetail = NonNullable<Awaited<ReturnType<typeof interventionDetail>>>;

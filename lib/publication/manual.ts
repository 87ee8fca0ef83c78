import { and, eq } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { alerts, interventions, publications } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/roles";
import { mapInterventionToDossier, type MappingDeps } from "@/lib/dossier/mapping";
import { AppError, validationFailed, type DetailWords, type ErrorCode } from "@/lib/errors";
import { loadInterventionAggregate } from "@/lib/interventions/repository";
import { publicationView, type PublicationView } from "@/lib/dashboard/publication";
import { resolveAlerts } from "@/lib/notifications/resolve";
import { checkLinks, type LinkCheck, type LinkCheckOptions } from "@/lib/storage/link-check";
import type { PublicationQueue } from "./queue";
import { isRejected, markQueued, markResolved } from "./status";
import { eligibilityOf } from "./trigger";

export interface ManualPublicationDeps extends Pick<MappingDeps, "fileExists"> {
  signUrl(path: string, anchor: Date): string;
  /** Takes the publication job, in the request's transaction. */
  queue: PublicationQueue;
}

function conflict(code: Extract<ErrorCode, "already_published" | "publication_in_progress" | "forbidden_transition">, detail: DetailWords, publication: PublicationView): AppError {
  return new AppError(code, detail, { extra: { publication } });
}

const NOT_FOUND = (reference: string) => new AppError("not_found", { key: "noIntervention", values: { reference } });

/** The intervention's id and its publication, locked, or 404. */
async function lockPublication(tx: Executor, reference: string) {
  const [row] = await tx
    .select({ intervention: { id: interventions.id }, publication: publications })
    .from(interventions)
    .innerJoin(publications, eq(publications.interventionId, interventions.id))
    .where(eq(interventions.reference, reference))
    .for("update", { of: publications });
  if (!row) throw NOT_FOUND(reference);
  return row;
}

/** Due now: a job waits to be taken at once, so asking again would change nothing. */
const dueNow = (publication: { status: string; nextAttemptAt: Date | null }, now: Date) =>
  publication.status === "queued" && (!publication.nextAttemptAt || publication.nextAttemptAt <= now);

/**
 * A person asks to publish now. Under the publication's row lock, so that any number of
 * simultaneous requests queue one job: the first finds it idle and queues it, the others find
 * it queued and are told so. A retry scheduled for later (backoff, or a postponement) is brought
 * forward to now; only a publication being sent, or already due now, is refused.
 */
export async function requestPublication(db: Database, reference: string, actor: Principal, deps: ManualPublicationDeps): Promise<PublicationView> {
  return db.transaction(async (tx) => {
    const { publication } = await lockPublication(tx, reference);
    const interventionId = publication.interventionId;
    const { eligibility } = await eligibilityOf(tx, interventionId);
    const now = new Date();

    if (publication.status === "published" || publication.status === "resolved") {
      throw conflict("already_published", { key: "alreadyPublished", values: { reference, dossier: String(publication.dossierId) } }, publicationView(publication));
    }
    if (isRejected(publication)) {
      throw conflict("forbidden_transition", { key: "rejectedCannotResend", values: { reference, dossier: String(publication.dossierId) } }, publicationView(publication));
    }
    if (publication.status === "in_progress") {
      throw conflict("publication_in_progress", { key: "sendingNow", values: { reference } }, publicationView(publication));
    }
    if (dueNow(publication, now)) {
      throw conflict("publication_in_progress", { key: "alreadyDue", values: { reference } }, publicationView(publication));
    }
    if (!eligibility.eligible) throw validationFailed(eligibility.problems, { key: "notPublishableYet", values: { reference } });

    const aggregate = await loadInterventionAggregate(tx, { id: interventionId });
    const mapped = aggregate && (await mapInterventionToDossier(aggregate, { signUrl: (path) => deps.signUrl(path, now), fileExists: deps.fileExists }));
    if (mapped && !mapped.ok) throw validationFailed(mapped.problems, { key: "wouldBeRefused", values: { reference } });

    // A person's request starts a fresh retry budget, and runs now even if a retry was scheduled.
    const queued = await markQueued(tx, interventionId, publication.status, { freshRetryBudget: true });
    const job = { interventionId, trigger: "manual", triggeredBy: actor.label } as const;
    if (!(await deps.queue.enqueue(tx, job))) await deps.queue.expedite(tx, job);
    await recordAudit(tx, actor, "publication.requested", interventionId, { from: publication.status, ...(publication.nextAttemptAt ? { scheduledFor: publication.nextAttemptAt.toISOString() } : {}) });
    return publicationView(queued);
  });
}

export interface FileCheck {
  reference: string;
  checkedAt: string;
  checked: number;
  failed: LinkCheck[];
}

/**
 * Fetches every document and photo of an intervention through the links its dossier carries
 * (anchored on its queued time, as sent), the way Symphonics downloads them. `fetchBase` is where
 * this product answers its own /files route, so the check works behind any public host name.
 */
export async function checkDossierFiles(
  db: Database,
  reference: string,
  actor: Principal,
  deps: { signUrl(path: string, anchor: Date): string; fetchBase: string } & LinkCheckOptions,
): Promise<FileCheck> {
  const aggregate = await loadInterventionAggregate(db, { reference });
  if (!aggregate) throw NOT_FOUND(reference);
  const anchor = aggregate.publication.queuedAt ?? aggregate.publication.createdAt;
  const links = [...aggregate.documents, ...aggregate.photos].map(({ filePath }) => {
    const signed = new URL(deps.signUrl(filePath, anchor));
    return { path: filePath, url: new URL(`${signed.pathname}${signed.search}`, deps.fetchBase).toString() };
  });
  const results = await checkLinks(links, deps);
  const failed = results.filter((result) => !result.ok);
  await recordAudit(db, actor, "publication.files_checked", aggregate.id, { checked: results.length, failed: failed.length });
  return { reference, checkedAt: new Date().toISOString(), checked: results.length, failed };
}

/**
 * A person settled a dossier Symphonics rejected (it cannot be sent again under the same
 * reference): the publication becomes resolved with their note, its rejection alert closes and
 * it leaves Needs attention.
 */
export async function resolvePublication(db: Database, reference: string, actor: Principal, note: string): Promise<PublicationView> {
  return db.transaction(async (tx) => {
    const { publication } = await lockPublication(tx, reference);
    if (!isRejected(publication)) {
      throw conflict("forbidden_transition", { key: "notRejected", values: { reference } }, publicationView(publication));
    }
    await markResolved(tx, publication, { by: actor.label, note });
    await resolveAlerts(tx, and(eq(alerts.interventionId, publication.interventionId), eq(alerts.kind, "dossier_rejected"))!);
    await recordAudit(tx, actor, "publication.resolved", publication.interventionId, { dossierId: publication.dossierId, note });
    const [resolved] = await tx.select().from(publications).where(eq(publications.interventionId, publication.interventionId));
    return publicationView(resolved!);
  });
}

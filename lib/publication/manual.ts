import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { interventions, publications } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/roles";
import { mapInterventionToDossier, type MappingDeps } from "@/lib/dossier/mapping";
import { AppError, validationFailed, type ErrorCode } from "@/lib/errors";
import { loadInterventionAggregate } from "@/lib/interventions/repository";
import { publicationView, type PublicationView } from "@/lib/dashboard/publication";
import type { PublicationQueue } from "./queue";
import { isUnderway, markQueued } from "./status";
import { eligibilityOf } from "./trigger";

export interface ManualPublicationDeps extends Pick<MappingDeps, "fileExists"> {
  signUrl(path: string, anchor: Date): string;
  /** Takes the publication job, in the request's transaction. */
  queue: PublicationQueue;
}

function conflict(code: Extract<ErrorCode, "already_published" | "publication_in_progress">, detail: string, publication: PublicationView): AppError {
  return new AppError(code, detail, { extra: { publication } });
}

/**
 * A person asks to publish now. Under the publication's row lock, so that any number of
 * simultaneous requests queue one job: the first finds it idle and queues it, the others find
 * it queued and are told so.
 */
export async function requestPublication(db: Database, reference: string, actor: Principal, deps: ManualPublicationDeps): Promise<PublicationView> {
  return db.transaction(async (tx) => {
    const [intervention] = await tx.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, reference));
    if (!intervention) throw new AppError("not_found", `No intervention has the reference ${reference}.`);
    const { eligibility } = await eligibilityOf(tx, intervention.id);
    const [publication] = await tx.select().from(publications).where(eq(publications.interventionId, intervention.id));
    if (!publication) throw new AppError("not_found", `No intervention has the reference ${reference}.`);

    if (publication.status === "published") {
      throw conflict("already_published", `${reference} is already published to Symphonics (dossier ${publication.dossierId}).`, publicationView(publication));
    }
    if (isUnderway(publication.status)) {
      const when = publication.nextAttemptAt ? `; next attempt at ${publication.nextAttemptAt.toISOString()}` : "";
      throw conflict("publication_in_progress", `The publication of ${reference} is already under way (${publication.status}${when}).`, publicationView(publication));
    }
    if (!eligibility.eligible) throw validationFailed(eligibility.problems, `${reference} cannot be published yet.`);

    const aggregate = await loadInterventionAggregate(tx, { id: intervention.id });
    const now = new Date();
    const mapped = aggregate && (await mapInterventionToDossier(aggregate, { signUrl: (path) => deps.signUrl(path, now), fileExists: deps.fileExists }));
    if (mapped && !mapped.ok) throw validationFailed(mapped.problems, `${reference} has data Symphonics would refuse; correct it first.`);

    // A person's request starts a fresh retry budget.
    const queued = await markQueued(tx, intervention.id, publication.status, { freshRetryBudget: true });
    await deps.queue.enqueue(tx, { interventionId: intervention.id, trigger: "manual", triggeredBy: actor.label });
    await recordAudit(tx, actor, "publication.requested", intervention.id, { from: publication.status });
    return publicationView(queued);
  });
}

import type { AddPhotosPayload, DossierPayload } from "@/lib/dossier/payload-schema";
import type { SymphonicsClient } from "./client";
import { addPhotosKey, createDossierKey } from "./idempotency";
import type { AttemptRecord, FailedOutcome, Operation } from "./outcomes";

/**
 * Sends one dossier: the create call, then the photos beyond the first 50 in batches. Written
 * to be interrupted anywhere and run again: every call has a key derived from its content, the
 * dossier id and the confirmed photo count are handed to the caller as soon as known, and a run
 * resumes after the last confirmed batch. A photo batch that fails for a transient reason may be
 * sent again within the run when the caller agrees (`retryPhotoBatch`); any other retry timing is
 * the caller's (the publication worker).
 */
export interface DossierToSend {
  payload: DossierPayload;
  extraPhotoBatches: AddPhotosPayload[];
  /** Photos Symphonics already confirmed (those of the create call included), from a previous run. */
  photosAlreadySent?: number;
  /** The dossier a previous run created or adopted: no create call this time. */
  existingDossierId?: string | null;
}

export interface PublicationHooks {
  /** Every HTTP exchange, for the attempt log. */
  onAttempt(record: AttemptRecord): Promise<void> | void;
  /** The dossier exists at Symphonics (created or adopted): store its id before anything else. */
  onDossierCreated?(dossierId: string): Promise<void> | void;
  /** Photos confirmed so far, in total; the next run resumes from there. */
  onPhotosConfirmed?(count: number): Promise<void> | void;
  /**
   * Asked before each call: how long Symphonics still wants every client to wait (a Retry-After
   * announced to another call since this run's turn was granted); above 0 nothing is sent.
   */
  holdBeforeCall?(): Promise<number>;
  /**
   * A photo batch failed for a transient reason (5xx, 429, no answer): may it be sent again in this
   * run, for the `retry`-th time? The caller pauses as long as it must first (a short jittered
   * pause, any Retry-After, its turn at the rate limit) and answers true, or false to end the run
   * with this failure (retries spent, circuit open, a wait too long to spend here). The batches
   * before it are confirmed, so a large dossier keeps moving instead of waiting for a scheduled run.
   */
  retryPhotoBatch?(outcome: FailedOutcome, retry: number): Promise<boolean>;
}

export type PublicationResult =
  | { kind: "published"; dossierId: string; photosConfirmed: number; adopted: boolean }
  /** `outcome` is the failing call's, for the caller's retry policy. */
  | { kind: "failed"; step: Operation; outcome: FailedOutcome; dossierId: string | null; photosConfirmed: number };

/** The problem code of a call not sent because of a hold (`holdBeforeCall`): no exchange took place. */
export const HELD_BY_RETRY_AFTER = "held_by_retry_after";

function heldOutcome(operation: Operation, retryAfterMs: number): FailedOutcome {
  return {
    operation,
    startedAt: new Date(),
    durationMs: 0,
    httpStatus: null,
    problemCode: HELD_BY_RETRY_AFTER,
    message: "Not sent: Symphonics asked every client to wait (Retry-After).",
    responseExcerpt: null,
    idempotencyKey: null,
    rateLimit: null,
    replayed: false,
    kind: "rate_limited",
    retryAfterMs,
  };
}

export async function sendDossier(client: SymphonicsClient, dossier: DossierToSend, hooks: PublicationHooks): Promise<PublicationResult> {
  const options = { onExchange: (record: AttemptRecord) => hooks.onAttempt(record) };
  const { payload } = dossier;
  // Batch 0 travels with the create call; each batch's position is part of its key.
  const batches = [payload.photos ?? [], ...dossier.extraPhotoBatches.map((batch) => batch.photos)];

  let dossierId = dossier.existingDossierId ?? null;
  let confirmed = dossier.existingDossierId ? (dossier.photosAlreadySent ?? 0) : 0;
  let adopted = false;

  const held = async (step: Operation, progress: { dossierId: string | null; photosConfirmed: number }): Promise<PublicationResult | null> => {
    const retryInMs = (await hooks.holdBeforeCall?.()) ?? 0;
    return retryInMs > 0 ? { kind: "failed", step, outcome: heldOutcome(step, retryInMs), ...progress } : null;
  };

  if (!dossierId) {
    const hold = await held("create_dossier", { dossierId: null, photosConfirmed: 0 });
    if (hold) return hold;
    const created = await createOrAdopt(client, payload, options);
    if (created.kind === "failed") return { ...created, dossierId: null, photosConfirmed: 0 };
    dossierId = created.dossierId;
    adopted = created.adopted;
    await hooks.onDossierCreated?.(dossierId);
    if (!adopted) {
      confirmed = batches[0]?.length ?? 0;
      await hooks.onPhotosConfirmed?.(confirmed);
    }
    // An adopted dossier was created by an earlier attempt, perhaps with other photos: its
    // batch 0 is sent again (Symphonics ignores the URLs it already has).
  }

  let end = 0;
  for (const [index, photos] of batches.entries()) {
    end += photos.length;
    if (photos.length === 0 || end <= confirmed) continue;
    const batch: AddPhotosPayload = { photos };
    const key = addPhotosKey(dossierId, index, batch);
    for (let retry = 1; ; retry += 1) {
      const hold = await held("add_photos", { dossierId, photosConfirmed: confirmed });
      if (hold) return hold;
      let outcome = await client.addPhotos(dossierId, batch, key, options);
      // No answer: the batch may have been stored; the same key either replays or stores it.
      if (outcome.kind === "ambiguous") outcome = await client.addPhotos(dossierId, batch, key, options);
      if (outcome.kind === "success") break;
      // The same key again: a batch stored meanwhile is replayed, not added twice.
      const again = isTransient(outcome) && (await hooks.retryPhotoBatch?.(outcome, retry));
      if (!again) return { kind: "failed", step: "add_photos", outcome, dossierId, photosConfirmed: confirmed };
    }
    confirmed = end;
    await hooks.onPhotosConfirmed?.(confirmed);
  }
  return { kind: "published", dossierId, photosConfirmed: confirmed, adopted };
}

const isTransient = (outcome: FailedOutcome) => outcome.kind === "retryable" || outcome.kind === "rate_limited" || outcome.kind === "ambiguous";

type Created = { kind: "created"; dossierId: string; adopted: boolean } | { kind: "failed"; step: Operation; outcome: FailedOutcome };

/**
 * Create the dossier, adopting it when an earlier attempt already did. Without an answer the
 * call is repeated once with the same key (a replay if it was stored); if that is inconclusive
 * too, the dossier is looked up by its externalReference (§2, §3.4).
 */
async function createOrAdopt(client: SymphonicsClient, payload: DossierPayload, options: { onExchange: (record: AttemptRecord) => Promise<void> | void }): Promise<Created> {
  const key = createDossierKey(payload.externalReference, payload);
  let outcome = await client.createDossier(payload, key, options);
  if (outcome.kind === "ambiguous") {
    outcome = await client.createDossier(payload, key, options);
    if (outcome.kind === "ambiguous" || outcome.kind === "retryable") {
      const found = await client.findDossierByExternalReference(payload.externalReference, options);
      if (found.kind === "success" && found.value) return { kind: "created", dossierId: found.value.id, adopted: true };
    }
  }
  switch (outcome.kind) {
    case "success":
      // A replay is the stored answer to this very request: the dossier is ours, photos included.
      return { kind: "created", dossierId: outcome.value.id, adopted: false };
    case "dossier_exists":
      return { kind: "created", dossierId: outcome.dossierId, adopted: true };
    default:
      return { kind: "failed", step: "create_dossier", outcome };
  }
}

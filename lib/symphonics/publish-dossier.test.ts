import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddPhotosPayload, DossierPayload } from "@/lib/dossier/payload-schema";
import type { RunningSandbox } from "@/sandbox/server";
import type { SymphonicsClient } from "./client";
import { createDossierKey } from "./idempotency";
import type { AttemptRecord } from "./outcomes";
import { sendDossier, type PublicationResult } from "./publish-dossier";
import { clientFor, dossierPayload, photoUrl, sandboxForFile, uniqueReference, watchedDispatcher } from "./test-support";

/** sendDossier against the sandbox: lost answers, adoption, and 2,000 photos with a crash midway. */
let sandbox: RunningSandbox;
let client: SymphonicsClient;
const watched = watchedDispatcher();

beforeAll(async () => {
  sandbox = await sandboxForFile();
  client = clientFor(sandbox.url, watched.dispatcher);
});

afterAll(async () => {
  await client.close();
  await watched.close();
});

/** What the publication pipeline persists between runs. */
interface StoredPublication {
  dossierId: string | null;
  photosSent: number;
  attempts: AttemptRecord[];
}

function dossierWithPhotos(count: number, reference = uniqueReference()): { payload: DossierPayload; extraPhotoBatches: AddPhotosPayload[] } {
  const urls = Array.from({ length: count }, (_, index) => ({ url: photoUrl(reference, index) }));
  const extraPhotoBatches: AddPhotosPayload[] = [];
  for (let start = 50; start < count; start += 50) extraPhotoBatches.push({ photos: urls.slice(start, start + 50) });
  return { payload: { ...dossierPayload({ externalReference: reference }, 0), ...(count > 0 ? { photos: urls.slice(0, 50) } : {}) }, extraPhotoBatches };
}

function persistingHooks(stored: StoredPublication, extra: { onConfirmed?: (count: number) => void } = {}) {
  return {
    onAttempt: (record: AttemptRecord) => void stored.attempts.push(record),
    onDossierCreated: (id: string) => void (stored.dossierId = id),
    onPhotosConfirmed: (count: number) => {
      stored.photosSent = count;
      extra.onConfirmed?.(count);
    },
  };
}

/** The caller's part: run again from what was stored, after the wait the outcome asks for. */
async function publishUntilDone(dossier: ReturnType<typeof dossierWithPhotos>, stored: StoredPublication, through = client): Promise<PublicationResult> {
  for (let run = 0; run < 10; run++) {
    const result = await sendDossier(through, { ...dossier, existingDossierId: stored.dossierId, photosAlreadySent: stored.photosSent }, persistingHooks(stored));
    if (result.kind === "published") return result;
    if (result.outcome.kind !== "rate_limited" && result.outcome.kind !== "retryable") return result;
    await new Promise((resolve) => setTimeout(resolve, result.outcome.kind === "rate_limited" ? result.outcome.retryAfterMs : 100));
  }
  throw new Error("not published after 10 runs");
}

const ledgerDossier = (reference: string, of = sandbox) => of.ledger().dossiers.filter((dossier) => dossier.externalReference === reference);

describe("sendDossier", () => {
  it("2,000 photos: create with 50, then 39 batches; a crash after batch 20 resumes without sending any batch twice", async () => {
    // A sandbox of its own: its 40 requests use the whole burst of the rate limit (§2).
    const own = await sandboxForFile();
    const ownClient = clientFor(own.url, watched.dispatcher);
    const dossier = dossierWithPhotos(2000);
    const stored: StoredPublication = { dossierId: null, photosSent: 0, attempts: [] };
    const started = performance.now();

    const crashAfterBatch20 = persistingHooks(stored, {
      onConfirmed: (count) => {
        if (count === 50 + 20 * 50) throw new Error("worker killed");
      },
    });
    await expect(sendDossier(ownClient, dossier, crashAfterBatch20)).rejects.toThrow("worker killed");
    expect(stored.photosSent).toBe(1050);

    const result = await publishUntilDone(dossier, stored, ownClient);
    expect(result).toMatchObject({ kind: "published", dossierId: stored.dossierId, photosConfirmed: 2000, adopted: false });

    const [remote] = ledgerDossier(dossier.payload.externalReference, own);
    expect(remote?.photoCount).toBe(2000);
    expect(new Set(remote?.photoUrls).size).toBe(2000);
    const processed = own.ledger().requests.filter((request) => request.status === 201 && request.idempotencyKey?.startsWith(`photos:${stored.dossierId}:`));
    expect(processed).toHaveLength(39);
    expect(new Set(processed.map((request) => request.idempotencyKey)).size).toBe(39);
    const operations = stored.attempts.filter((record) => record.outcome === "success").map((record) => record.operation);
    expect(operations.filter((operation) => operation === "create_dossier")).toHaveLength(1);
    expect(operations.filter((operation) => operation === "add_photos")).toHaveLength(39);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("a crash before the confirmed count was saved: the batch is sent again with its key and replayed, not stored twice", async () => {
    const dossier = dossierWithPhotos(160);
    const stored: StoredPublication = { dossierId: null, photosSent: 0, attempts: [] };
    const crashBeforeSaving = {
      ...persistingHooks(stored),
      onPhotosConfirmed: (count: number) => {
        if (count === 100) throw new Error("worker killed");
        stored.photosSent = count;
      },
    };
    await expect(sendDossier(client, dossier, crashBeforeSaving)).rejects.toThrow("worker killed");
    expect(stored.photosSent).toBe(50);

    expect(await publishUntilDone(dossier, stored)).toMatchObject({ kind: "published", photosConfirmed: 160 });
    const batch1 = stored.attempts.filter((record) => record.outcome === "success" && record.idempotencyKey?.startsWith(`photos:${stored.dossierId}:1:`));
    expect(batch1.map((record) => record.replayed)).toEqual([false, true]);
    expect(ledgerDossier(dossier.payload.externalReference)[0]?.photoCount).toBe(160);
  });

  it("a create answer lost after processing, repeated with the same key: replayed, exactly one dossier", async () => {
    const dossier = dossierWithPhotos(3);
    const stored: StoredPublication = { dossierId: null, photosSent: 0, attempts: [] };
    sandbox.setFaults({ dropAfterStoreRate: 1 });
    const hooks = {
      ...persistingHooks(stored),
      onAttempt: (record: AttemptRecord) => {
        stored.attempts.push(record);
        if (record.outcome === "ambiguous") sandbox.setFaults({ dropAfterStoreRate: 0 });
      },
    };
    const result = await sendDossier(client, dossier, hooks);
    sandbox.setFaults({ dropAfterStoreRate: 0 });

    expect(result).toMatchObject({ kind: "published", photosConfirmed: 3, adopted: false });
    expect(stored.attempts.filter((record) => record.operation === "create_dossier").map((record) => [record.outcome, record.replayed])).toEqual([
      ["ambiguous", false],
      ["success", true],
    ]);
    expect(sandbox.ledger().countsByExternalReference[dossier.payload.externalReference]).toBe(1);
  });

  it("answer lost, then the repeat's connection reset: looked up by externalReference and adopted; one dossier, every photo", async () => {
    const dossier = dossierWithPhotos(60);
    const stored: StoredPublication = { dossierId: null, photosSent: 0, attempts: [] };
    let ambiguous = 0;
    sandbox.setFaults({ dropAfterStoreRate: 1 });
    const hooks = {
      ...persistingHooks(stored),
      onAttempt: (record: AttemptRecord) => {
        stored.attempts.push(record);
        if (record.outcome !== "ambiguous") return;
        // First the answer is lost after processing, then the repeat is cut before processing.
        sandbox.setFaults(++ambiguous === 1 ? { dropAfterStoreRate: 0, resetRate: 1 } : { resetRate: 0 });
      },
    };
    let result: PublicationResult;
    try {
      result = await sendDossier(client, dossier, hooks);
    } finally {
      sandbox.setFaults({ dropAfterStoreRate: 0, resetRate: 0 });
    }

    expect(result).toMatchObject({ kind: "published", dossierId: stored.dossierId, photosConfirmed: 60, adopted: true });
    expect(stored.attempts.map((record) => `${record.operation}:${record.outcome}`)).toEqual([
      "create_dossier:ambiguous",
      "create_dossier:ambiguous",
      "lookup_dossier:success",
      // Adopted without knowing what it holds: the create call's photos are sent again, and ignored.
      "add_photos:success",
      "add_photos:success",
    ]);
    expect(sandbox.ledger().countsByExternalReference[dossier.payload.externalReference]).toBe(1);
    expect(ledgerDossier(dossier.payload.externalReference)[0]?.photoCount).toBe(60);
  });

  it("dossier_exists: the earlier dossier is adopted and receives the photos", async () => {
    const dossier = dossierWithPhotos(2);
    const earlier = { ...dossier.payload, photos: undefined, installation: { ...dossier.payload.installation, city: "Lyon 3e" } };
    const created = await client.createDossier(earlier, createDossierKey(earlier.externalReference, earlier));
    if (created.kind !== "success") throw new Error(created.message);

    const stored: StoredPublication = { dossierId: null, photosSent: 0, attempts: [] };
    const result = await sendDossier(client, dossier, persistingHooks(stored));
    expect(result).toEqual({ kind: "published", dossierId: created.value.id, photosConfirmed: 2, adopted: true });
    expect(stored.dossierId).toBe(created.value.id);
    expect(stored.attempts.map((record) => `${record.operation}:${record.outcome}`)).toEqual(["create_dossier:dossier_exists", "add_photos:success"]);
    expect(ledgerDossier(dossier.payload.externalReference)[0]?.photoCount).toBe(2);
  });

  it("a refusal is handed back with the step that failed, for the caller's retry policy", async () => {
    const dossier = dossierWithPhotos(1);
    const invalid = { ...dossier, payload: { ...dossier.payload, services: [{ code: "BAR-TH-1" }] } };
    const result = await sendDossier(client, invalid, { onAttempt: () => undefined });
    expect(result).toMatchObject({ kind: "failed", step: "create_dossier", dossierId: null, photosConfirmed: 0, outcome: { kind: "not_retryable", httpStatus: 422 } });
  });

  it("a failed photo batch goes again within the run, with the same key, as long as the caller agrees; then the run ends with the failure and its progress", async () => {
    const dossier = dossierWithPhotos(150);
    const stored: StoredPublication = { dossierId: null, photosSent: 0, attempts: [] };
    const asked: { kind: string; retry: number }[] = [];
    let failNext = 0;
    const hooks = {
      ...persistingHooks(stored, {
        // After the first extra batch is confirmed, Symphonics fails the next calls.
        onConfirmed: (count) => {
          if (count === 100) failNext = 3;
        },
      }),
      holdBeforeCall: async () => {
        sandbox.setFaults({ errorRate: failNext > 0 ? 1 : 0 });
        failNext = Math.max(0, failNext - 1);
        return 0;
      },
      retryPhotoBatch: async (outcome: { kind: string }, retry: number) => {
        asked.push({ kind: outcome.kind, retry });
        return retry <= 3;
      },
    };
    try {
      const result = await sendDossier(client, dossier, hooks);
      expect(result).toMatchObject({ kind: "published", photosConfirmed: 150 });
    } finally {
      sandbox.setFaults({ errorRate: 0 });
    }
    // Three failures of the last batch, each followed by the caller's yes; the fourth call went through.
    expect(asked.map((a) => a.retry)).toEqual([1, 2, 3]);
    const batchCalls = stored.attempts.filter((a) => a.operation === "add_photos");
    expect(batchCalls.map((a) => a.outcome)).toEqual(["success", ...asked.map((a) => a.kind), "success"]);
    expect(new Set(batchCalls.slice(1).map((a) => a.idempotencyKey)).size).toBe(1);

    // A caller that says no: the run ends at once, with what was confirmed.
    const refused = dossierWithPhotos(150);
    const kept: StoredPublication = { dossierId: null, photosSent: 0, attempts: [] };
    failNext = 0;
    const ended = await sendDossier(client, refused, {
      ...persistingHooks(kept, { onConfirmed: (count) => void (count === 100 && sandbox.setFaults({ errorRate: 1 })) }),
      retryPhotoBatch: async () => false,
    }).finally(() => sandbox.setFaults({ errorRate: 0 }));
    expect(ended).toMatchObject({ kind: "failed", step: "add_photos", photosConfirmed: 100 });
    expect(kept.attempts.filter((a) => a.operation === "add_photos")).toHaveLength(2);
  });
});

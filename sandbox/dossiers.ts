// In-memory dossier store: the hot path of the benchmark, so plain maps and no copying.
import { randomBytes } from "node:crypto";
import type { CreateDossierInput } from "./validation";

export type DossierStatus = "received" | "processing" | "accepted" | "rejected";
export type RejectionReason = "document_unreachable" | "photo_unreachable";

export interface Dossier {
  id: string;
  clientId: string;
  externalReference: string;
  status: DossierStatus;
  rejectionReason: RejectionReason | null;
  documentUrls: string[];
  /** Append-only, without duplicates: processing walks it by index to find photos added later. */
  photoUrls: string[];
  photoSet: Set<string>;
  /** As sent (UTC, validated): kept for the ledger, which tests read. */
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** §3.3: the dossier as the API shows it. `rejectionReason` only appears on rejected dossiers. */
export function dossierView(d: Dossier) {
  return {
    id: d.id,
    externalReference: d.externalReference,
    status: d.status,
    ...(d.rejectionReason ? { rejectionReason: d.rejectionReason } : {}),
    photoCount: d.photoUrls.length,
    documentCount: d.documentUrls.length,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export class DossierStore {
  private readonly byId = new Map<string, Dossier>();
  // externalReference is unique per client (§3.1).
  private readonly byReference = new Map<string, Dossier>();
  readonly createdPerReference = new Map<string, number>();

  create(clientId: string, input: CreateDossierInput): Dossier {
    const now = new Date().toISOString();
    const dossier: Dossier = {
      id: `dos_${randomBytes(12).toString("hex")}`,
      clientId,
      externalReference: input.externalReference,
      status: "received",
      rejectionReason: null,
      documentUrls: input.documents.map((d) => d.url),
      photoUrls: [],
      photoSet: new Set(),
      completedAt: input.completedAt ?? null,
      createdAt: now,
      updatedAt: now,
    };
    addPhotoUrls(dossier, (input.photos ?? []).map((p) => p.url));
    this.byId.set(dossier.id, dossier);
    this.byReference.set(referenceKey(clientId, input.externalReference), dossier);
    this.createdPerReference.set(input.externalReference, (this.createdPerReference.get(input.externalReference) ?? 0) + 1);
    return dossier;
  }

  /**
   * A dossier registered as it stands, with no processing and no webhook: one a demo data set holds
   * from before this sandbox started (it keeps nothing across restarts), so looking it up finds it.
   */
  restore(clientId: string, values: { id: string; externalReference: string; status: DossierStatus; rejectionReason: RejectionReason | null }): Dossier {
    const now = new Date().toISOString();
    const dossier: Dossier = { ...values, clientId, documentUrls: [], photoUrls: [], photoSet: new Set(), completedAt: null, createdAt: now, updatedAt: now };
    this.byId.set(dossier.id, dossier);
    this.byReference.set(referenceKey(clientId, values.externalReference), dossier);
    return dossier;
  }

  get(clientId: string, id: string): Dossier | undefined {
    const dossier = this.byId.get(id);
    return dossier?.clientId === clientId ? dossier : undefined;
  }

  findByReference(clientId: string, externalReference: string): Dossier | undefined {
    return this.byReference.get(referenceKey(clientId, externalReference));
  }

  all(): IterableIterator<Dossier> {
    return this.byId.values();
  }

  clear(): void {
    this.byId.clear();
    this.byReference.clear();
    this.createdPerReference.clear();
  }
}

/** URLs not yet in the dossier, in order and without repeats: what adding `urls` would add. */
export function newPhotoUrls(dossier: Dossier, urls: readonly string[]): string[] {
  return [...new Set(urls)].filter((u) => !dossier.photoSet.has(u));
}

export function addPhotoUrls(dossier: Dossier, urls: readonly string[]): void {
  for (const url of newPhotoUrls(dossier, urls)) {
    dossier.photoSet.add(url);
    dossier.photoUrls.push(url);
  }
}

export function setStatus(dossier: Dossier, status: DossierStatus, reason: RejectionReason | null = null): void {
  dossier.status = status;
  dossier.rejectionReason = reason;
  dossier.updatedAt = new Date().toISOString();
}

const referenceKey = (clientId: string, externalReference: string) => `${clientId}\n${externalReference}`;

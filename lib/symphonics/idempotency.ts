import { createHash } from "node:crypto";
import type { AddPhotosPayload, DossierPayload } from "@/lib/dossier/payload-schema";

/**
 * Idempotency keys derived from the operation itself, never random: a retry of the same call
 * after a crash or a lost answer reuses its key, so Symphonics replays the stored outcome instead
 * of creating a second dossier; a corrected dossier hashes differently and gets a new key, which
 * Symphonics would otherwise refuse as `idempotency_key_reused`.
 *
 * Keys are at most 255 characters of visible ASCII (§2), well within: prefix, a bounded
 * identifier and a 43-character hash.
 */

/** JSON with object keys sorted at every level: Symphonics compares bodies as parsed JSON. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested !== null && typeof nested === "object" && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : nested,
  );
}

function digest(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("base64url");
}

/** The identifier as is when it is short visible ASCII without `:`, otherwise its hash. */
function keyPart(identifier: string): string {
  return /^[\x21-\x39\x3b-\x7e]{1,100}$/.test(identifier) ? identifier : `h.${digest(identifier)}`;
}

export function createDossierKey(externalReference: string, payload: DossierPayload): string {
  return `dossier:${keyPart(externalReference)}:${digest(payload)}`;
}

/** `target` is the dossier id (or the externalReference); `batchIndex` counts from 0. */
export function addPhotosKey(target: string, batchIndex: number, payload: AddPhotosPayload): string {
  return `photos:${keyPart(target)}:${batchIndex}:${digest(payload)}`;
}

/** §2: 1 to 255 printable ASCII characters (space excluded, the strictest reading). */
export function isValidIdempotencyKey(key: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(key);
}

// The per-client idempotency store of §2 "Idempotency".
import { createHash } from "node:crypto";
import type { Body, Reply } from "./http";
import { parseJson } from "./http";

const TTL_MS = 24 * 60 * 60 * 1000;

/** Idempotency-Key: 1 to 255 printable ASCII characters. Space is excluded (strictest reading). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

type Entry =
  | { state: "in_progress" }
  | { state: "done"; fingerprint: string; reply: Reply; expiresAt: number };

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  lookup(clientId: string, key: string): Entry | undefined {
    const id = entryId(clientId, key);
    const entry = this.entries.get(id);
    if (entry?.state === "done" && entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }

  begin(clientId: string, key: string): void {
    this.entries.set(entryId(clientId, key), { state: "in_progress" });
  }

  complete(clientId: string, key: string, fingerprint: string, reply: Reply): void {
    this.entries.set(entryId(clientId, key), { state: "done", fingerprint, reply, expiresAt: this.now() + TTL_MS });
  }

  /** The request never got processed (client went away): the key is free again. */
  abandon(clientId: string, key: string): void {
    this.entries.delete(entryId(clientId, key));
  }

  sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.state === "done" && entry.expiresAt <= now) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}

const entryId = (clientId: string, key: string) => `${clientId}\n${key}`;

/**
 * What "the same body" means: parsed JSON compared canonically (key order and white space do not
 * matter, every value does); bodies that are not JSON compare byte for byte.
 */
export function fingerprint(body: Body): string {
  if (body.kind !== "ok") return body.kind;
  const parsed = parseJson(body.bytes);
  const text = parsed.ok ? `json:${canonicalJson(parsed.value)}` : `raw:${body.bytes.toString("base64")}`;
  return createHash("sha256").update(text).digest("base64");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

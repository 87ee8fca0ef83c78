// Fault injection: the failures §2 tells clients to survive, on demand.
import { z } from "zod";
import type { Reply } from "./http";
import { problem } from "./http";
import type { FieldError } from "./validation";

export interface FaultSettings {
  /** 0..1 share of /v1 requests answered with a random 500, 502, 503 or 429, without processing. */
  errorRate: number;
  /** Extra latency added before answering /v1 requests. */
  latencyMs: number;
  /** 0..1 share of POSTs processed and stored whose response is then lost (socket destroyed). */
  dropAfterStoreRate: number;
  /** 0..1 share of /v1 requests whose connection is reset before processing (nothing stored). */
  resetRate: number;
  /** 0..1 share of webhooks delivered twice. */
  webhookDuplicateRate: number;
  /** Deliver each dossier's `processing` webhook after its final one. */
  webhookReorder: boolean;
  /**
   * Fields (as errors[].field names them, e.g. `customer.phone`, `photos[3].url`) refused with
   * `422 validation_failed` whenever a valid body has them: a value well formed but not accepted,
   * such as a delivery point the grid operator does not know.
   */
  refusedFields: string[];
}

export const NO_FAULTS: FaultSettings = {
  errorRate: 0,
  latencyMs: 0,
  dropAfterStoreRate: 0,
  resetRate: 0,
  webhookDuplicateRate: 0,
  webhookReorder: false,
  refusedFields: [],
};

const rate = z.number().min(0).max(1);

export const faultSettingsPatch = z.strictObject({
  errorRate: rate.optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  dropAfterStoreRate: rate.optional(),
  resetRate: rate.optional(),
  webhookDuplicateRate: rate.optional(),
  webhookReorder: z.boolean().optional(),
  refusedFields: z.array(z.string().min(1).max(200)).max(100).optional(),
});

export function applyFaults(current: FaultSettings, patch: Partial<FaultSettings>): FaultSettings {
  const parsed = faultSettingsPatch.parse(patch);
  const next = { ...current };
  for (const [key, value] of Object.entries(parsed)) if (value !== undefined) Object.assign(next, { [key]: value });
  return next;
}

/** The refused fields a body has, as `422 validation_failed` errors. */
export function refusedFieldErrors(body: unknown, refusedFields: readonly string[]): FieldError[] {
  return refusedFields
    .filter((field) => valueAt(body, field) !== undefined)
    .map((field) => ({ field, code: "not_accepted", message: "is not accepted (injected fault)" }));
}

function valueAt(body: unknown, field: string): unknown {
  let value = body;
  for (const part of field.match(/[^.[\]]+/g) ?? []) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const GATEWAY_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";

/** One of the transient failures a client must retry, picked at random. */
export function injectedError(random: () => number): Reply {
  const pick = Math.floor(random() * 4);
  if (pick === 0) return problem(500, "internal_error", "Injected fault: internal error");
  if (pick === 1) return { status: 502, headers: { "Content-Type": "text/html" }, body: GATEWAY_PAGE, code: null };
  if (pick === 2) return problem(503, "maintenance", "Injected fault: maintenance", { headers: { "Retry-After": "1" } });
  return problem(429, "rate_limited", "Injected fault: rate limited", { headers: { "Retry-After": "1" } });
}

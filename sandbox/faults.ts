// Fault injection: the failures §2 tells clients to survive, on demand.
import { z } from "zod";
import type { Reply } from "./http";
import { problem } from "./http";

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
}

export const NO_FAULTS: FaultSettings = {
  errorRate: 0,
  latencyMs: 0,
  dropAfterStoreRate: 0,
  resetRate: 0,
  webhookDuplicateRate: 0,
  webhookReorder: false,
};

const rate = z.number().min(0).max(1);

export const faultSettingsPatch = z.strictObject({
  errorRate: rate.optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  dropAfterStoreRate: rate.optional(),
  resetRate: rate.optional(),
  webhookDuplicateRate: rate.optional(),
  webhookReorder: z.boolean().optional(),
});

export function applyFaults(current: FaultSettings, patch: Partial<FaultSettings>): FaultSettings {
  const parsed = faultSettingsPatch.parse(patch);
  const next = { ...current };
  for (const [key, value] of Object.entries(parsed)) if (value !== undefined) Object.assign(next, { [key]: value });
  return next;
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

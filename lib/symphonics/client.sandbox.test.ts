import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "@/sandbox/server";
import type { SymphonicsClient } from "./client";
import { createDossierKey } from "./idempotency";
import type { AttemptRecord, Outcome } from "./outcomes";
import {
  attemptLog,
  clientFor,
  CREDENTIALS,
  dossierPayload,
  sandboxForFile,
  slowBody,
  watchedDispatcher,
  withHeaders,
} from "./test-support";

/**
 * The client against the sandbox over real HTTP: §1 authentication and every row of the §2
 * error table, each produced by the sandbox itself.
 */
let sandbox: RunningSandbox;
/** The sandbox's fault dice: 0.1 → 500, 0.3 → 502, 0.6 → 503, 0.9 → 429 when errorRate is 1. */
let dice = 0.5;
const watched = watchedDispatcher();
let client: SymphonicsClient;
/** Everything the client handed back in this file, checked for secrets at the end. */
const seen: (Outcome<unknown> | AttemptRecord)[] = [];
const log = () => {
  const { records, options } = attemptLog();
  return { records, options: { onExchange: (record: AttemptRecord) => (seen.push(record), options.onExchange(record)) } };
};
const kept = <T extends Outcome<unknown>>(outcome: T): T => (seen.push(outcome), outcome);

beforeAll(async () => {
  sandbox = await sandboxForFile({ random: () => dice, tokenEndpointLimitPerMinute: false });
  client = clientFor(sandbox.url, watched.dispatcher);
});

afterAll(async () => {
  await client.close();
  await watched.close();
});

const requestsWithKey = (key: string) => sandbox.ledger().requests.filter((request) => request.idempotencyKey === key);

describe("§1 authentication", () => {
  it("fetches one token and reuses it for every call of the client instance", async () => {
    const fresh = clientFor(sandbox.url, watched.dispatcher);
    const before = sandbox.ledger().tokensIssued;
    const { records, options } = log();
    for (let index = 0; index < 5; index++) {
      const payload = dossierPayload();
      expect(kept(await fresh.createDossier(payload, createDossierKey(payload.externalReference, payload), options)).kind).toBe("success");
    }
    expect(sandbox.ledger().tokensIssued - before).toBe(1);
    expect(records.map((record) => record.operation)).toEqual(["token", ...Array(5).fill("create_dossier")]);
    expect(records[0]).toMatchObject({ outcome: "success", httpStatus: 200, idempotencyKey: null });
  });

  it("concurrent calls share a single token request", async () => {
    const fresh = clientFor(sandbox.url, watched.dispatcher);
    const before = sandbox.ledger().tokensIssued;
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => fresh.findDossierByExternalReference("INT-NONE")));
    expect(outcomes.map((outcome) => kept(outcome).kind)).toEqual(Array(10).fill("success"));
    expect(sandbox.ledger().tokensIssued - before).toBe(1);
  });

  it("a revoked token: one new token, and the same call repeated once with the same key", async () => {
    const payload = dossierPayload();
    const key = createDossierKey(payload.externalReference, payload);
    await client.getDossier("dos_warm_up");
    sandbox.revokeAllTokens();
    const { records, options } = log();
    const outcome = kept(await client.createDossier(payload, key, options));
    expect(outcome).toMatchObject({ kind: "success", httpStatus: 201 });
    expect(records.map((record) => [record.operation, record.outcome, record.httpStatus])).toEqual([
      ["create_dossier", "authentication", 401],
      ["token", "success", 200],
      ["create_dossier", "success", 201],
    ]);
    expect(requestsWithKey(key).map((request) => request.status)).toEqual([201]);
    expect(sandbox.ledger().countsByExternalReference[payload.externalReference]).toBe(1);
  });

  it("after a revocation, concurrent calls share one refresh", async () => {
    await client.getDossier("dos_warm_up");
    sandbox.revokeAllTokens();
    const before = sandbox.ledger().tokensIssued;
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => client.getDossier("dos_unknown")));
    expect(outcomes.map((outcome) => kept(outcome).httpStatus)).toEqual(Array(8).fill(404));
    expect(sandbox.ledger().tokensIssued - before).toBe(1);
  });

  it("wrong credentials: invalid_client, a configuration fault, secret never echoed", async () => {
    const wrong = clientFor(sandbox.url, watched.dispatcher, { clientSecret: "wrong-secret-123" });
    const { records, options } = log();
    const outcome = kept(await wrong.createDossier(dossierPayload(), "k-invalid-client", options));
    expect(outcome).toMatchObject({ kind: "authentication", configurationFault: true, httpStatus: 401, problemCode: "invalid_client", operation: "token" });
    expect(records).toHaveLength(1);
    expect(JSON.stringify([outcome, records])).not.toContain("wrong-secret-123");
  });

  it("a token without the dossiers:write scope: 403 forbidden, not retryable", async () => {
    const readOnly = clientFor(sandbox.url, watched.dispatcher);
    watched.tamperWith((options) => (options.path.endsWith("/oauth/token") ? { ...options, body: "grant_type=client_credentials&scope=dossiers%3Aread" } : options));
    try {
      const outcome = kept(await readOnly.createDossier(dossierPayload(), "k-forbidden"));
      expect(outcome).toMatchObject({ kind: "not_retryable", httpStatus: 403, problemCode: "forbidden", idempotencyKey: "k-forbidden" });
    } finally {
      watched.tamperWith(null);
    }
  });
});

describe("§1 token lifetime and the token endpoint's limit", () => {
  it("a token of 1 s is renewed before it expires, so no call meets a 401", async () => {
    const shortLived = await sandboxForFile({ tokenLifetimeSeconds: 1, tokenEndpointLimitPerMinute: false });
    const shortClient = clientFor(shortLived.url, watched.dispatcher);
    const { records, options } = log();
    for (let index = 0; index < 3; index++) {
      expect(kept(await shortClient.getDossier("dos_unknown", options)).httpStatus).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 800));
    }
    expect(records.filter((record) => record.httpStatus === 401)).toEqual([]);
    expect(shortLived.ledger().tokensIssued).toBe(3);
    expect(shortLived.ledger().requests.filter((request) => request.status === 401)).toEqual([]);
  });

  it("token endpoint slow_down (429): rate_limited with Retry-After", async () => {
    const strict = await sandboxForFile({ tokenEndpointLimitPerMinute: 1 });
    expect(kept(await clientFor(strict.url, watched.dispatcher).getDossier("dos_x")).httpStatus).toBe(404);
    const outcome = kept(await clientFor(strict.url, watched.dispatcher).getDossier("dos_x"));
    expect(outcome).toMatchObject({ kind: "rate_limited", httpStatus: 429, problemCode: "slow_down", operation: "token" });
    if (outcome.kind === "rate_limited") expect(outcome.retryAfterMs).toBeGreaterThanOrEqual(1000);
  });
});

describe("§2 error table, each row produced by the sandbox", () => {
  it("400 malformed_request: Idempotency-Key missing → not retryable", async () => {
    watched.tamperWith((options) => (options.method === "POST" ? withHeaders(options, (headers) => delete headers["idempotency-key"]) : options));
    try {
      const outcome = kept(await client.createDossier(dossierPayload(), "k-missing"));
      expect(outcome).toMatchObject({ kind: "not_retryable", httpStatus: 400, problemCode: "malformed_request" });
    } finally {
      watched.tamperWith(null);
    }
  });

  it("400 malformed_request: body not JSON → not retryable", async () => {
    watched.tamperWith((options) => (options.method === "POST" ? { ...options, body: "{not json" } : options));
    try {
      expect(kept(await client.createDossier(dossierPayload(), "k-not-json"))).toMatchObject({ kind: "not_retryable", httpStatus: 400, problemCode: "malformed_request" });
    } finally {
      watched.tamperWith(null);
    }
  });

  it("an invalid idempotency key is refused before sending", async () => {
    const outcome = kept(await client.createDossier(dossierPayload(), "has space"));
    expect(outcome).toMatchObject({ kind: "not_retryable", httpStatus: null, problemCode: "invalid_idempotency_key" });
  });

  it("404 not_found: unknown dossier → not retryable, for reads and photo additions", async () => {
    expect(kept(await client.getDossier("dos_unknown"))).toMatchObject({ kind: "not_retryable", httpStatus: 404, problemCode: "not_found" });
    const added = kept(await client.addPhotos("dos_unknown", { photos: [{ url: "https://files.example.fr/p.jpg" }] }, "k-404"));
    expect(added).toMatchObject({ kind: "not_retryable", httpStatus: 404, problemCode: "not_found", idempotencyKey: "k-404" });
  });

  it("409 dossier_exists → dossier_exists with the id to adopt", async () => {
    const payload = dossierPayload();
    const created = kept(await client.createDossier(payload, createDossierKey(payload.externalReference, payload)));
    if (created.kind !== "success") throw new Error(created.message);
    const corrected = { ...payload, installation: { ...payload.installation, city: "Villeurbanne" } };
    const again = kept(await client.createDossier(corrected, createDossierKey(corrected.externalReference, corrected)));
    expect(again).toMatchObject({ kind: "dossier_exists", httpStatus: 409, problemCode: "dossier_exists", dossierId: created.value.id });
  });

  it("409 idempotency_key_in_use → retryable; the first request completes", async () => {
    const payload = dossierPayload();
    const key = createDossierKey(payload.externalReference, payload);
    let slowed = false;
    watched.tamperWith((options) => {
      if (options.method !== "POST" || slowed) return options;
      slowed = true;
      return { ...options, body: slowBody(String(options.body), 400) };
    });
    try {
      const first = client.createDossier(payload, key);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const second = kept(await client.createDossier(payload, key));
      expect(second).toMatchObject({ kind: "retryable", httpStatus: 409, problemCode: "idempotency_key_in_use", retryAfterMs: null });
      expect(kept(await first)).toMatchObject({ kind: "success", httpStatus: 201 });
    } finally {
      watched.tamperWith(null);
    }
  });

  it("413 payload_too_large → not retryable", async () => {
    const huge = dossierPayload({ equipment: Array.from({ length: 50 }, () => ({ name: "n".repeat(11_000), model: "m".repeat(11_000) })) });
    expect(kept(await client.createDossier(huge, "k-too-large"))).toMatchObject({ kind: "not_retryable", httpStatus: 413, problemCode: "payload_too_large" });
  });

  it("422 validation_failed → not retryable, with the field errors", async () => {
    const invalid = dossierPayload({ customer: { firstName: "Camille", lastName: "Durand", email: "camille.durand@example.fr", phone: "06 12" } });
    const outcome = kept(await client.createDossier(invalid, "k-invalid"));
    expect(outcome).toMatchObject({ kind: "not_retryable", httpStatus: 422, problemCode: "validation_failed" });
    if (outcome.kind === "not_retryable") expect(outcome.errors).toEqual([expect.objectContaining({ field: "customer.phone", code: "invalid_format" })]);
  });

  it("the same key and body again: the stored answer, replayed, no second dossier", async () => {
    const payload = dossierPayload();
    const key = createDossierKey(payload.externalReference, payload);
    const first = kept(await client.createDossier(payload, key));
    const replay = kept(await client.createDossier(payload, key));
    expect(first).toMatchObject({ kind: "success", replayed: false });
    expect(replay).toMatchObject({ kind: "success", replayed: true, httpStatus: 201 });
    if (first.kind === "success" && replay.kind === "success") expect(replay.value.id).toBe(first.value.id);
    expect(sandbox.ledger().countsByExternalReference[payload.externalReference]).toBe(1);
  });

  it("422 idempotency_key_reused: the same key with another body → not retryable", async () => {
    const payload = dossierPayload();
    await client.createDossier(payload, "k-reused");
    const outcome = kept(await client.createDossier({ ...payload, completedAt: "2026-11-21T08:00:00Z" }, "k-reused"));
    expect(outcome).toMatchObject({ kind: "not_retryable", httpStatus: 422, problemCode: "idempotency_key_reused" });
  });

  it("429 rate_limited → rate_limited with Retry-After; RateLimit-* headers surfaced", async () => {
    sandbox.setRateLimit({ perSecond: 1, burst: 2 });
    try {
      const outcomes = [];
      for (let index = 0; index < 4; index++) outcomes.push(kept(await client.getDossier("dos_unknown")));
      expect(outcomes[0]?.rateLimit).toEqual({ limit: expect.any(Number), remaining: expect.any(Number), resetSeconds: expect.any(Number) });
      const limited = outcomes.find((outcome) => outcome.kind === "rate_limited");
      expect(limited).toMatchObject({ kind: "rate_limited", httpStatus: 429, problemCode: "rate_limited" });
      if (limited?.kind === "rate_limited") expect(limited.retryAfterMs).toBeGreaterThanOrEqual(1000);
    } finally {
      sandbox.setRateLimit({ perSecond: 20, burst: 40 });
    }
  });

  it.each([
    ["500 internal_error → retryable", 0.1, { kind: "retryable", httpStatus: 500, problemCode: "internal_error", retryAfterMs: null }],
    ["502 gateway page, not JSON → retryable", 0.3, { kind: "retryable", httpStatus: 502, problemCode: null, retryAfterMs: null }],
    ["503 maintenance → retryable after Retry-After", 0.6, { kind: "retryable", httpStatus: 503, problemCode: "maintenance", retryAfterMs: 1000 }],
    ["429 rate_limited → rate_limited after Retry-After", 0.9, { kind: "rate_limited", httpStatus: 429, problemCode: "rate_limited", retryAfterMs: 1000 }],
  ])("%s (injected, nothing stored: the same key then creates)", async (_row, value, expected) => {
    const payload = dossierPayload();
    const key = createDossierKey(payload.externalReference, payload);
    dice = value;
    sandbox.setFaults({ errorRate: 1 });
    try {
      expect(kept(await client.createDossier(payload, key))).toMatchObject({ ...expected, idempotencyKey: key });
    } finally {
      sandbox.setFaults({ errorRate: 0 });
      dice = 0.5;
    }
    // Nothing was stored: the same key now creates the dossier.
    expect(kept(await client.createDossier(payload, key))).toMatchObject({ kind: "success", replayed: false });
  });

  it("a 502 gateway page (not JSON) is kept as a short excerpt", async () => {
    dice = 0.3;
    sandbox.setFaults({ errorRate: 1 });
    try {
      const outcome = kept(await client.getDossier("dos_x"));
      expect(outcome.responseExcerpt).toContain("502 Bad Gateway");
      expect(outcome.message).toContain("502");
    } finally {
      sandbox.setFaults({ errorRate: 0 });
      dice = 0.5;
    }
  });
});

describe("secrets", () => {
  it("no token, secret or Basic credential appears in any outcome, record, message or excerpt", () => {
    const everything = JSON.stringify(seen);
    expect(seen.length).toBeGreaterThan(40);
    expect(watched.bearerTokens.size).toBeGreaterThan(3);
    expect(everything).not.toContain(CREDENTIALS.clientSecret);
    expect(everything).not.toContain(Buffer.from(`${CREDENTIALS.clientId}:`).toString("base64").slice(0, 16));
    for (const token of watched.bearerTokens) expect(everything).not.toContain(token);
    // The token answers are logged, masked.
    expect(everything).toContain('\\"access_token\\":\\"[redacted]\\"');
  });
});

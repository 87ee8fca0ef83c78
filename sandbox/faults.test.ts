// Fault injection (at start, setFaults and PUT /_sandbox/faults) and the other control endpoints.
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "./server";
import { get, post, sandbox, token, uniqueKey, validDossier, type ProblemBody } from "./test-support";

let roll = 0;
let sb: RunningSandbox;
let bearer: string;
let control: string;

beforeAll(async () => {
  // The random source decides which injected error is answered: floor(roll * 4) picks it.
  sb = await sandbox({ rateLimit: false, processingDelayMs: 60_000, random: () => roll });
  bearer = await token(sb);
  control = `${sb.url.replace(/\/crm$/, "")}/_sandbox`;
});

const noFaults = { errorRate: 0, latencyMs: 0, dropAfterStoreRate: 0, resetRate: 0, webhookDuplicateRate: 0, webhookReorder: false, refusedFields: [] as string[] };

describe("fault injection", () => {
  it("drop-after-store: the dossier and the idempotency outcome are stored, the answer is lost", async () => {
    sb.reset();
    sb.setFaults({ ...noFaults, dropAfterStoreRate: 1 });
    const key = uniqueKey();
    const body = validDossier();
    await expect(post(sb, "/v1/dossiers", body, { token: bearer, key })).rejects.toThrow();
    const ledger = sb.ledger();
    expect(ledger.dossiers.map((d) => d.externalReference)).toEqual([body.externalReference]);
    expect(ledger.requests.at(-1)).toMatchObject({ method: "POST", status: null, idempotencyKey: key, clientId: "sandbox-client" });
    sb.setFaults({ dropAfterStoreRate: 0 });
    const retry = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(((await retry.json()) as { id: string }).id).toBe(ledger.dossiers[0]?.id);
    expect(sb.ledger().dossiers).toHaveLength(1);
  });

  it("reset: the connection is reset before processing and nothing is stored", async () => {
    sb.reset();
    sb.setFaults({ ...noFaults, resetRate: 1 });
    const key = uniqueKey();
    const body = validDossier();
    await expect(post(sb, "/v1/dossiers", body, { token: bearer, key })).rejects.toThrow();
    expect(sb.ledger().dossiers).toEqual([]);
    expect(sb.ledger().requests.at(-1)).toMatchObject({ status: null });
    sb.setFaults({ resetRate: 0 });
    const retry = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
  });

  it.each([
    [0, 500, "internal_error", null],
    [1, 502, null, null],
    [2, 503, "maintenance", "1"],
    [3, 429, "rate_limited", "1"],
  ])("error rate 1 (pick %i): answers %i without processing", async (pick, status, code, retryAfter) => {
    sb.reset();
    sb.setFaults({ ...noFaults, errorRate: 1 });
    roll = pick / 4 + 0.01;
    const key = uniqueKey();
    const body = validDossier();
    const response = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    roll = 0;
    sb.setFaults({ errorRate: 0 });
    expect(response.status).toBe(status);
    expect(response.headers.get("retry-after")).toBe(retryAfter);
    const text = await response.text();
    if (code) expect((JSON.parse(text) as ProblemBody).code).toBe(code);
    else expect(() => JSON.parse(text)).toThrow();
    expect(sb.ledger().dossiers).toEqual([]);
    const retry = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
  });

  it("adds latency before answering", async () => {
    sb.setFaults({ ...noFaults, latencyMs: 300 });
    const started = Date.now();
    expect((await get(sb, "/v1/dossiers?externalReference=X", bearer)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    sb.setFaults({ latencyMs: 0 });
  });

  it("refused fields: a valid body having one is answered 422 naming it in Symphonics' words, nothing stored", async () => {
    sb.reset();
    sb.setFaults({ ...noFaults, refusedFields: ["customer.phone", "installation.pce", "photos[1].url"] });
    const body = validDossier();
    const refused = await post(sb, "/v1/dossiers", body, { token: bearer, key: uniqueKey() });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as ProblemBody).errors).toEqual([
      { field: "customer.phone", code: "not_accepted", message: "is not accepted (injected fault)" },
      { field: "installation.pce", code: "not_accepted", message: "is not accepted (injected fault)" },
    ]);
    expect(sb.ledger().dossiers).toEqual([]);

    sb.setFaults({ refusedFields: [] });
    expect((await post(sb, "/v1/dossiers", body, { token: bearer, key: uniqueKey() })).status).toBe(201);
    // The completion time is kept as sent, for tests to compare.
    expect(sb.ledger().dossiers).toEqual([expect.objectContaining({ externalReference: body.externalReference, completedAt: "2026-11-20T15:42:00Z" })]);
  });

  it("maintenance: every /v1 request of the window is answered 503 with the seconds left as Retry-After, nothing stored", async () => {
    sb.reset();
    sb.setFaults(noFaults);
    const started = await fetch(`${control}/maintenance`, { method: "POST", body: JSON.stringify({ seconds: 2 }) });
    expect(started.status).toBe(200);
    const body = validDossier();
    const key = uniqueKey();
    const refused = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("2");
    expect(refused.headers.get("ratelimit-limit")).not.toBeNull();
    expect(((await refused.json()) as ProblemBody).code).toBe("maintenance");
    expect((await get(sb, "/v1/dossiers?externalReference=X", bearer)).status).toBe(503);
    expect(sb.ledger().dossiers).toEqual([]);
    expect((await fetch(`${control}/maintenance`, { method: "POST", body: '{"seconds": 0}' })).status).toBe(400);
    sb.reset();
    expect((await post(sb, "/v1/dossiers", body, { token: bearer, key })).status).toBe(201);
  });

  it("takes faults at start", async () => {
    const faulty = await sandbox({ faults: { resetRate: 1 } });
    await expect(fetch(`${faulty.url}/v1/dossiers/dos_x`)).rejects.toThrow();
    expect((await fetch(`${faulty.url.replace(/\/crm$/, "")}/_sandbox/health`)).status).toBe(200);
  });
});

describe("control endpoints", () => {
  it("PUT /_sandbox/faults applies a validated partial and answers the new settings", async () => {
    const response = await fetch(`${control}/faults`, { method: "PUT", body: JSON.stringify({ latencyMs: 5, webhookReorder: true }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ...noFaults, latencyMs: 5, webhookReorder: true });
    for (const invalid of ['{"errorRate": 2}', '{"latency": 5}', "not json"]) {
      expect((await fetch(`${control}/faults`, { method: "PUT", body: invalid })).status).toBe(400);
    }
    await fetch(`${control}/faults`, { method: "PUT", body: JSON.stringify(noFaults) });
  });

  it("GET /_sandbox/ledger lists dossiers, requests and counts; POST /_sandbox/reset forgets them", async () => {
    sb.reset();
    const body = validDossier();
    const key = uniqueKey();
    await post(sb, "/v1/dossiers", body, { token: bearer, key });
    const ledger = (await (await fetch(`${control}/ledger`)).json()) as ReturnType<RunningSandbox["ledger"]>;
    expect(ledger.dossiers).toEqual([
      expect.objectContaining({ externalReference: body.externalReference, status: "received", rejectionReason: null, photoCount: 1, documentCount: 1 }),
    ]);
    expect(ledger.requests).toEqual([
      expect.objectContaining({ method: "POST", path: "/crm/v1/dossiers", status: 201, idempotencyKey: key, clientId: "sandbox-client", code: null }),
    ]);
    expect(ledger.countsByExternalReference).toEqual({ [body.externalReference as string]: 1 });
    expect((await fetch(`${control}/reset`, { method: "POST" })).status).toBe(200);
    expect(sb.ledger()).toMatchObject({ dossiers: [], requests: [], countsByExternalReference: {}, tokensIssued: 0 });
    const again = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    expect(again.headers.get("idempotent-replayed")).toBeNull();
  });

  it("GET /_sandbox/health answers ok; unknown control paths 404", async () => {
    expect(await (await fetch(`${control}/health`)).json()).toEqual({ status: "ok" });
    expect((await fetch(`${control}/nothing`)).status).toBe(404);
  });

  it("POST /_sandbox/dossiers registers dossiers as they stand (a demo's, from before the sandbox ran): looked up, never processed", async () => {
    const dossiers = [
      { clientId: "sandbox-client", id: "DOS-DEMO-PRO-1", externalReference: "INT-DEMO-1", status: "processing" },
      { clientId: "sandbox-client", id: "DOS-DEMO-REJ-1", externalReference: "INT-DEMO-2", status: "rejected", rejectionReason: "document_unreachable" },
    ];
    const answer = await fetch(`${control}/dossiers`, { method: "POST", body: JSON.stringify({ dossiers }) });
    expect(await answer.json()).toEqual({ restored: 2 });
    const processing = await get(sb, "/v1/dossiers/DOS-DEMO-PRO-1", bearer);
    expect(processing.status).toBe(200);
    expect(await processing.json()).toMatchObject({ id: "DOS-DEMO-PRO-1", externalReference: "INT-DEMO-1", status: "processing" });
    expect(await (await get(sb, "/v1/dossiers?externalReference=INT-DEMO-2", bearer)).json()).toMatchObject({ data: [expect.objectContaining({ status: "rejected", rejectionReason: "document_unreachable" })] });
    const refused = await fetch(`${control}/dossiers`, { method: "POST", body: JSON.stringify({ dossiers: [{ ...dossiers[0], status: "lost" }] }) });
    expect(refused.status).toBe(400);
  });
});

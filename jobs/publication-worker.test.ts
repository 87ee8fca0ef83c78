import { and, eq, sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alerts, auditLog, beneficiaries, circuitBreakers, interventions, publicationAttempts, publications } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { systemPrincipal } from "@/lib/auth/roles";
import { config } from "@/lib/config";
import { putIntervention } from "@/lib/interventions/intake";
import { runPublication, type PublicationDeps } from "@/lib/publication/publish";
import { createPublicationQueue } from "@/lib/publication/queue";
import { pipelineSettings, type PipelineSettings } from "@/lib/publication/settings";
import { eligibleInput, fastPipelineEnv, photosInput, sampleFileStorage, waitFor } from "@/lib/publication/test-support";
import { fileStorage } from "@/lib/storage/files";
import { createSymphonicsClient } from "@/lib/symphonics/client";
import { startSandbox } from "@/sandbox/server";
import { startPublicationWorker } from "./publication-worker";

Object.assign(process.env, fastPipelineEnv({ FILE_STORAGE_DIR: sampleFileStorage(photosInput(120).map((p) => p.file_path)) }));
// The sandbox's fault injection draws from this, so each test picks the failure it needs.
let sandboxDraw = 0.5;
const sandbox = await startSandbox({ port: 0, random: () => sandboxDraw, rateLimit: false, processingDelayMs: 60_000 });
process.env.SYMPHONICS_BASE_URL = sandbox.url;
const { db, url } = await useTestDatabase();
const client = createSymphonicsClient({ baseUrl: sandbox.url, clientId: "sandbox-client", clientSecret: "sandbox-secret" });
const queue = createPublicationQueue(url);
afterAll(async () => {
  await queue.stop();
  await client.close();
  await sandbox.close();
});

let clock = Date.now();
function deps(settings: Partial<PipelineSettings> = {}): PublicationDeps {
  const base = pipelineSettings(config());
  return {
    db,
    client,
    settings: { ...base, ...settings },
    schedule: queue.schedule,
    signUrl: (path, anchor) => fileStorage.signedUrl(path, anchor),
    fileExists: (path) => fileStorage.exists(path),
    now: () => new Date(clock),
    random: () => 0.5,
    sleep: async () => {},
  };
}

let counter = 0;
async function queued(overrides: Parameters<typeof eligibleInput>[0] = {}) {
  const reference = `INT-PUB-${process.pid}-${++counter}`;
  const { id } = await putIntervention(db, reference, eligibleInput(overrides), systemPrincipal);
  return { id, reference, request: { interventionId: id, trigger: "automatic" as const, triggeredBy: "test" } };
}
const publicationOf = async (id: string) => (await db.select().from(publications).where(eq(publications.interventionId, id)))[0]!;
const attemptsOf = (id: string) => db.select().from(publicationAttempts).where(eq(publicationAttempts.interventionId, id)).orderBy(publicationAttempts.id);
const sentFor = (reference: string) => sandbox.ledger().requests.filter((r) => r.path.includes("/v1/") && (r.idempotencyKey?.includes(reference) ?? false)).length;
const jobsFor = async (id: string) =>
  db.execute<{ state: string; start_after: Date; data: { trigger: string } }>(
    sql`select state, start_after, data from pgboss.job where singleton_key = ${id} and state in ('created', 'retry') order by created_on`,
  );

beforeEach(async () => {
  sandbox.setFaults({ errorRate: 0, dropAfterStoreRate: 0, resetRate: 0 });
  sandboxDraw = 0.5;
  clock = Date.now();
  await db.update(circuitBreakers).set({ state: "closed", consecutiveFailures: 0, probeAt: null });
});

describe("the publication worker", () => {
  it("publishes an intervention by itself once it becomes eligible, in one transaction with its attempt log", async () => {
    const worker = await startPublicationWorker(config(), pino({ level: "warn" }));
    try {
      const { id, reference } = await queued();
      await waitFor(async () => (await publicationOf(id)).status === "published", { timeoutMs: 20_000 });
      const publication = await publicationOf(id);
      expect(publication).toMatchObject({ dossierStatus: "received", photosSent: 2, consecutiveFailures: 0, attemptCount: 1 });
      expect(publication.dossierId).toBe(sandbox.ledger().dossiers.find((d) => d.externalReference === reference)?.id);
      const [intervention] = await db.select().from(interventions).where(eq(interventions.id, id));
      expect(intervention!.status).toBe("published");
      const attempts = await attemptsOf(id);
      expect(attempts.find((a) => a.operation === "create_dossier")).toMatchObject({ outcome: "success", httpStatus: 201, trigger: "automatic", triggeredBy: "system" });
      // Every column of the batch's one-parameter inserts lands where drizzle's insert put it.
      const created = attempts.find((a) => a.operation === "create_dossier")!;
      expect(created.idempotencyKey).toContain(reference);
      expect(created.durationMs).toBeGreaterThanOrEqual(0);
      expect(created.startedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(created.correlationId).toBeTruthy();
      expect(await db.select().from(auditLog).where(and(eq(auditLog.interventionId, id), eq(auditLog.action, "publication.published")))).toEqual([
        expect.objectContaining({ actorType: "system", actorId: null, actorLabel: "system", details: expect.objectContaining({ dossierId: publication.dossierId, trigger: "automatic", triggeredBy: "system" }) }),
      ]);
      // Never a token or secret in the log.
      expect(JSON.stringify(attempts)).not.toMatch(/sandbox-secret|Bearer [A-Za-z0-9]/);
    } finally {
      await worker.stop();
    }
  });
});

describe("one publication run", () => {
  it("sends the photos beyond the first 50 in batches and records the progress", async () => {
    const { id, reference, request } = await queued({ photos: photosInput(120) });
    expect(await runPublication(deps(), request)).toBe("published");
    expect(await publicationOf(id)).toMatchObject({ status: "published", photosSent: 120 });
    expect(sandbox.ledger().dossiers.find((d) => d.externalReference === reference)?.photoCount).toBe(120);
    expect((await attemptsOf(id)).filter((a) => a.operation === "add_photos")).toHaveLength(2);
  });

  it("schedules a retry with backoff after a 5xx, in the transaction that records it, then publishes", async () => {
    const { id, reference, request } = await queued();
    sandbox.setFaults({ errorRate: 1 });
    sandboxDraw = 0.1; // 500 internal_error
    expect(await runPublication(deps(), request)).toBe("retry_scheduled");
    const failing = await publicationOf(id);
    expect(failing).toMatchObject({ status: "retrying", consecutiveFailures: 1, lastErrorCode: "internal_error" });
    // Equal jitter at random 0.5 of a 50 ms first step: 38 ms.
    expect(failing.nextAttemptAt!.getTime() - clock).toBe(38);
    const jobs = await jobsFor(id);
    // The intake's job still waits (this test runs the job by hand), so the retry joins it: one job.
    expect(jobs).toHaveLength(1);
    expect((await attemptsOf(id)).at(-1)).toMatchObject({ operation: "create_dossier", outcome: "retryable", httpStatus: 500, problemCode: "internal_error" });

    sandbox.setFaults({ errorRate: 0 });
    clock = failing.nextAttemptAt!.getTime() + 1;
    expect(await runPublication(deps(), { ...request, trigger: "retry" })).toBe("published");
    expect(await publicationOf(id)).toMatchObject({ status: "published", consecutiveFailures: 0, firstFailureAt: null, attemptCount: 2 });
    expect(sandbox.ledger().countsByExternalReference[reference]).toBe(1);
  });

  it("waits at least Retry-After on a 503", async () => {
    const { id, request } = await queued();
    sandbox.setFaults({ errorRate: 1 });
    sandboxDraw = 0.6; // 503 maintenance, Retry-After: 1
    expect(await runPublication(deps(), request)).toBe("retry_scheduled");
    expect((await publicationOf(id)).nextAttemptAt!.getTime() - clock).toBeGreaterThanOrEqual(1000);
  });

  it("on a 429 holds every worker until Retry-After, without counting a failure", async () => {
    const { id, request } = await queued();
    sandbox.setFaults({ errorRate: 1 });
    sandboxDraw = 0.9; // 429 rate_limited, Retry-After: 1
    expect(await runPublication(deps(), request)).toBe("postponed");
    const publication = await publicationOf(id);
    expect(publication).toMatchObject({ status: "queued", consecutiveFailures: 0, lastErrorCode: "rate_limited" });
    expect(publication.nextAttemptAt!.getTime() - clock).toBeGreaterThanOrEqual(1000);
    const [bucket] = await db.execute<{ held: boolean }>(sql`select blocked_until > now() + interval '0.5 second' as held from rate_limit_buckets where name = 'symphonics'`);
    expect(bucket!.held).toBe(true);
  });

  it("adopts the dossier when the answer to its creation was lost: one dossier", async () => {
    const { id, reference, request } = await queued();
    sandbox.setFaults({ dropAfterStoreRate: 1 });
    const result = await runPublication(deps(), request);
    sandbox.setFaults({ dropAfterStoreRate: 0 });
    if (result !== "published") {
      clock = (await publicationOf(id)).nextAttemptAt!.getTime() + 1;
      expect(await runPublication(deps(), { ...request, trigger: "retry" })).toBe("published");
    }
    expect(sandbox.ledger().countsByExternalReference[reference]).toBe(1);
    expect((await publicationOf(id)).dossierId).toBe(sandbox.ledger().dossiers.find((d) => d.externalReference === reference)?.id);
  });

  it("concurrent runs of one publication (a job taken again while still running) make one dossier", async () => {
    const { id, reference, request } = await queued({ photos: photosInput(120) });
    const results = await Promise.all(Array.from({ length: 5 }, () => runPublication(deps(), request)));
    expect(results).toContain("published");
    await waitFor(async () => (await publicationOf(id)).status === "published");
    expect(sandbox.ledger().countsByExternalReference[reference]).toBe(1);
    expect(sandbox.ledger().dossiers.find((d) => d.externalReference === reference)?.photoCount).toBe(120);
  });

  it("flags invalid data for review in the workforce app's field names, sends nothing, and a correction re-queues it", async () => {
    const { id, reference, request } = await queued({ beneficiary_phone: "12" });
    expect(await runPublication(deps(), request)).toBe("needs_review");
    const publication = await publicationOf(id);
    expect(publication.status).toBe("needs_review");
    expect(publication.problems).toEqual([expect.objectContaining({ field: "beneficiary_phone" })]);
    expect(sentFor(reference)).toBe(0);

    await putIntervention(db, reference, eligibleInput(), systemPrincipal);
    expect((await publicationOf(id)).status).toBe("queued");
    expect(await runPublication(deps(), request)).toBe("published");
  });

  it("sends nothing for an intervention that stopped being eligible while queued", async () => {
    const { id, reference, request } = await queued();
    await db.update(beneficiaries).set({ contractSignedAt: null }).where(sql`id = (select beneficiary_id from interventions where id = ${id})`);
    expect(await runPublication(deps(), request)).toBe("not_eligible");
    expect((await publicationOf(id)).status).toBe("not_ready");
    expect(sentFor(reference)).toBe(0);
  });

  it("does nothing for a publication already published", async () => {
    const { reference, request } = await queued();
    expect(await runPublication(deps(), request)).toBe("published");
    const before = sandbox.ledger().requests.length;
    expect(await runPublication(deps(), request)).toBe("already_published");
    expect(sandbox.ledger().requests.length).toBe(before);
    expect(sandbox.ledger().countsByExternalReference[reference]).toBe(1);
  });

  it("alerts after N consecutive failures, and keeps the publication as failed once the budget is spent", async () => {
    const { id, request } = await queued();
    sandbox.setFaults({ errorRate: 1 });
    sandboxDraw = 0.3; // 502 gateway
    const settings = { ...pipelineSettings(config()), alertAfterFailures: 2, retry: { baseMs: 10, capMs: 10, budgetMs: 60_000 } };
    expect(await runPublication(deps(settings), request)).toBe("retry_scheduled");
    clock += 1_000;
    expect(await runPublication(deps(settings), { ...request, trigger: "retry" })).toBe("retry_scheduled");
    expect(await db.select().from(alerts).where(and(eq(alerts.interventionId, id), eq(alerts.kind, "publication_failing")))).toHaveLength(1);

    clock += 60_000;
    expect(await runPublication(deps(settings), { ...request, trigger: "retry" })).toBe("failed");
    expect(await publicationOf(id)).toMatchObject({ status: "failed", consecutiveFailures: 3, nextAttemptAt: null, lastErrorCode: "http_502" });
    expect(await db.select().from(alerts).where(and(eq(alerts.interventionId, id), eq(alerts.kind, "publication_failed")))).toMatchObject([{ severity: "critical" }]);
  });

  it("opens the circuit after consecutive failures; waiting publications are postponed without spending budget; one probe closes it", async () => {
    const breaker = { ...pipelineSettings(config()).breaker, failureThreshold: 2, cooldownMs: 60_000 };
    const settings = { breaker };
    sandbox.setFaults({ errorRate: 1 });
    sandboxDraw = 0.1;
    for (let i = 0; i < 2; i += 1) expect(await runPublication(deps(settings), (await queued()).request)).toBe("retry_scheduled");
    const [circuit] = await db.select().from(circuitBreakers).where(eq(circuitBreakers.name, "symphonics"));
    expect(circuit).toMatchObject({ state: "open", consecutiveFailures: 2 });

    const waiting = await queued();
    const before = sandbox.ledger().requests.length;
    expect(await runPublication(deps(settings), waiting.request)).toBe("postponed");
    expect(sandbox.ledger().requests.length).toBe(before);
    const postponed = await publicationOf(waiting.id);
    expect(postponed).toMatchObject({ status: "queued", consecutiveFailures: 0, attemptCount: 0 });
    expect(postponed.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(circuit!.probeAt!.getTime());

    // The cool-down is over: one probe goes through, succeeds and closes the circuit.
    sandbox.setFaults({ errorRate: 0 });
    await db.update(circuitBreakers).set({ probeAt: sql`now() - interval '1 second'` }).where(eq(circuitBreakers.name, "symphonics"));
    clock = postponed.nextAttemptAt!.getTime() + 1;
    expect(await runPublication(deps(settings), waiting.request)).toBe("published");
    expect((await db.select().from(circuitBreakers).where(eq(circuitBreakers.name, "symphonics")))[0]).toMatchObject({ state: "closed", consecutiveFailures: 0 });
    expect(await db.select().from(alerts).where(eq(alerts.kind, "symphonics_circuit_open"))).toHaveLength(1);
  });
});

beforeAll(() => {
  expect(config().SYMPHONICS_BASE_URL).toBe(sandbox.url);
});

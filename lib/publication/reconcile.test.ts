import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { alerts, auditLog, circuitBreakers, publicationAttempts, publications, rateLimitBuckets } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { startPublicationWorker } from "@/jobs/publication-worker";
import { systemPrincipal } from "@/lib/auth/roles";
import { config } from "@/lib/config";
import { putIntervention } from "@/lib/interventions/intake";
import { metrics } from "@/lib/observability/metrics";
import { createSymphonicsClient, type SymphonicsClient } from "@/lib/symphonics/client";
import { CREDENTIALS, sandboxForFile } from "@/lib/symphonics/test-support";
import { runPublication } from "./publish";
import { createPublicationQueue } from "./queue";
import { holdUntilRetryAfter } from "./rate-limiter";
import { reconcileDossierStatuses, type ReconcileDeps } from "./reconcile";
import type { ReconcileSchedule } from "./reconcile-schedule";
import { pipelineSettings } from "./settings";
import { eligibleInput, fastPipelineEnv, runDepsFor, sampleFileStorage, waitFor } from "./test-support";
import { receiveWebhook } from "./webhooks";

/**
 * Lost webhooks: the sandboxes here send none (no webhook URL), so whatever status a dossier
 * reaches at Symphonics reaches the product by the reconciler's lookups alone.
 */

// The files the sandbox downloads after accepting a dossier; a path with "unreachable" is not found.
const fileServer = createServer((req, res) => res.writeHead(req.url?.includes("unreachable") ? 404 : 200).end("file"));
await new Promise<void>((resolve) => fileServer.listen(0, "127.0.0.1", resolve));
afterAll(() => new Promise<void>((resolve) => fileServer.close(() => resolve())));

Object.assign(
  process.env,
  fastPipelineEnv({
    FILE_STORAGE_DIR: sampleFileStorage(["photos/unreachable.jpg"]),
    FILES_PUBLIC_BASE_URL: `https://127.0.0.1:${(fileServer.address() as AddressInfo).port}`,
    SYMPHONICS_CLIENT_ID: CREDENTIALS.clientId,
    SYMPHONICS_CLIENT_SECRET: CREDENTIALS.clientSecret,
    RECONCILE_AFTER_MINUTES: "0.01",
    RECONCILE_INTERVAL_SECONDS: "0.2",
  }),
);
// Processes each dossier in a few milliseconds (received → processing → accepted | rejected).
const quick = await sandboxForFile({ processingDelayMs: 20, fetchHttpsAsHttp: true, rateLimit: false });
// Keeps every dossier received for the whole file.
const slow = await sandboxForFile({ rateLimit: false });
// Has a webhook receiver, but its webhooks are switched off: every one of them is lost.
let webhooksReceived = 0;
const receiver = createServer((req, res) => {
  webhooksReceived += 1;
  res.writeHead(204).end();
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
const unheard = await sandboxForFile({
  processingDelayMs: 20,
  fetchHttpsAsHttp: true,
  rateLimit: false,
  webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/symphonics`,
  webhookSecret: config().SYMPHONICS_WEBHOOK_SECRET,
  webhooks: false,
});
const { db, url } = await useTestDatabase();
const queue = createPublicationQueue(url);
const clients: SymphonicsClient[] = [];
afterAll(async () => {
  await queue.stop();
  await Promise.all(clients.map((client) => client.close()));
});

function clientOf(sandbox: { url: string }) {
  const client = createSymphonicsClient({ baseUrl: sandbox.url, ...CREDENTIALS });
  clients.push(client);
  return client;
}
const quickClient = clientOf(quick);
const slowClient = clientOf(slow);
const settings = pipelineSettings(config());
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Looked up an hour after creation, then daily. */
const hourly: ReconcileSchedule = { firstMs: HOUR, thenMs: [], repeatMs: DAY, giveUpMs: 14 * DAY };

function reconcilerOf(client: Pick<SymphonicsClient, "getDossier">, overrides: Partial<ReconcileDeps> = {}): ReconcileDeps {
  return { db, client, settings, schedule: hourly, sleep: async () => {}, ...overrides };
}

let counter = 0;
/** An intervention published to the given sandbox by one publication run, as the worker would. */
async function published(client: SymphonicsClient, overrides: Parameters<typeof eligibleInput>[0] = {}) {
  const reference = `INT-REC-${process.pid}-${++counter}`;
  const { id } = await putIntervention(db, reference, eligibleInput(overrides), systemPrincipal);
  const result = await runPublication(runDepsFor({ db, client, schedule: queue.schedule }), { interventionId: id, trigger: "automatic", triggeredBy: "test" });
  expect(result).toBe("published");
  const publication = await publicationOf(id);
  return { id, reference, dossierId: publication.dossierId! };
}
const publicationOf = async (id: string) => (await db.select().from(publications).where(eq(publications.interventionId, id)))[0]!;
/** Nothing heard of these dossiers for two hours. */
const age = (ids: string[]) =>
  db.execute(sql`update publications set published_at = now() - interval '2 hours', dossier_status_checked_at = null, dossier_status_next_check_at = null where intervention_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`);
const lookupsOf = (id: string) =>
  db.select().from(publicationAttempts).where(and(eq(publicationAttempts.interventionId, id), eq(publicationAttempts.operation, "get_dossier")));
const lookupsSentTo = (sandbox: typeof slow, dossierId: string) => sandbox.ledger().requests.filter((r) => r.method === "GET" && r.path.endsWith(`/v1/dossiers/${dossierId}`)).length;
const atSandbox = (sandbox: typeof quick, dossierId: string) => sandbox.ledger().dossiers.find((d) => d.id === dossierId);
const reconciledCount = async (status: string) =>
  (await metrics().dossierStatusesReconciled.get()).values.find((v) => v.labels.status === status)?.value ?? 0;

describe("dossier status reconciliation, webhooks lost", () => {
  it("brings an accepted dossier to accepted by lookup alone, once its news is old enough, in the attempt log and the metric", async () => {
    const { id, dossierId } = await published(quickClient);
    await waitFor(async () => atSandbox(quick, dossierId)?.status === "accepted");
    expect(quick.ledger().webhooks).toHaveLength(0);

    // Fresh news (just published): not looked up yet.
    expect(await reconcileDossierStatuses(reconcilerOf(quickClient))).toMatchObject({ checked: 0, reconciled: 0 });
    expect((await publicationOf(id)).dossierStatus).toBe("received");

    await age([id]);
    const before = await reconciledCount("accepted");
    expect(await reconcileDossierStatuses(reconcilerOf(quickClient))).toEqual({ checked: 1, reconciled: 1, notFound: 0 });
    const publication = await publicationOf(id);
    expect(publication).toMatchObject({ status: "published", dossierStatus: "accepted", dossierId });
    expect(publication.dossierStatusCheckedAt).not.toBeNull();
    expect(await lookupsOf(id)).toEqual([
      expect.objectContaining({ outcome: "success", httpStatus: 200, trigger: "automatic", triggeredBy: "reconciler", message: expect.stringContaining("no webhook had said so") }),
    ]);
    expect(await reconciledCount("accepted")).toBe(before + 1);

    // Final: never looked up again.
    await age([id]);
    expect(await reconcileDossierStatuses(reconcilerOf(quickClient))).toMatchObject({ checked: 0 });
    expect(lookupsSentTo(quick, dossierId)).toBe(1);
  });

  it("applies a rejection found by lookup as a webhook would: review with the reason, an alert, an audit entry", async () => {
    const { id, reference, dossierId } = await published(quickClient, { photos: [{ file_path: "photos/outdoor-unit.jpg" }, { file_path: "photos/unreachable.jpg" }] });
    await waitFor(async () => atSandbox(quick, dossierId)?.status === "rejected");
    await age([id]);
    expect(await reconcileDossierStatuses(reconcilerOf(quickClient))).toMatchObject({ reconciled: 1 });

    expect(await publicationOf(id)).toMatchObject({
      status: "needs_review",
      dossierStatus: "rejected",
      rejectionReason: "photo_unreachable",
      problems: [{ field: "(dossier)", message: expect.stringContaining("could not download one of the photos") }],
    });
    const [alert] = await db.select().from(alerts).where(eq(alerts.interventionId, id));
    expect(alert).toMatchObject({ kind: "dossier_rejected", message: expect.stringContaining(reference) });
    const [audit] = await db.select().from(auditLog).where(and(eq(auditLog.interventionId, id), eq(auditLog.action, "publication.rejected")));
    expect(audit?.details).toEqual({ dossierId, reason: "photo_unreachable", source: "reconciliation" });
  });

  it("the worker's own loop reconciles a dossier whose webhooks were lost", async () => {
    const worker = await startPublicationWorker({ ...config(), SYMPHONICS_BASE_URL: quick.url }, pino({ level: "warn" }));
    try {
      // The worker publishes it, Symphonics accepts it without telling, the worker finds out.
      const { id } = await putIntervention(db, `INT-REC-${process.pid}-${++counter}`, eligibleInput(), systemPrincipal);
      await waitFor(async () => (await publicationOf(id)).dossierStatus === "accepted", { timeoutMs: 20_000 });
      expect(await lookupsOf(id)).toEqual([expect.objectContaining({ outcome: "success", triggeredBy: "reconciler" })]);
    } finally {
      await worker.stop();
    }
  });
});

describe("dossier status reconciliation, sandbox webhooks off", () => {
  it("the worker brings an accepted and a rejected dossier to their final status by lookups alone", async () => {
    const worker = await startPublicationWorker({ ...config(), SYMPHONICS_BASE_URL: unheard.url, RECONCILE_THEN_MINUTES: [0.02, 0.05] }, pino({ level: "warn" }));
    try {
      const accepted = await putIntervention(db, `INT-REC-${process.pid}-${++counter}`, eligibleInput(), systemPrincipal);
      const rejected = await putIntervention(db, `INT-REC-${process.pid}-${++counter}`, eligibleInput({ photos: [{ file_path: "photos/unreachable.jpg" }] }), systemPrincipal);
      await waitFor(async () => (await publicationOf(accepted.id)).dossierStatus === "accepted" && (await publicationOf(rejected.id)).dossierStatus === "rejected", {
        timeoutMs: 30_000,
        describe: async () => `${(await publicationOf(accepted.id)).dossierStatus} / ${(await publicationOf(rejected.id)).dossierStatus}`,
      });
      expect(await publicationOf(rejected.id)).toMatchObject({ status: "needs_review", rejectionReason: "photo_unreachable" });
      for (const { id } of [accepted, rejected]) {
        expect(await lookupsOf(id)).toEqual(expect.arrayContaining([expect.objectContaining({ outcome: "success", triggeredBy: "reconciler", message: expect.stringContaining("no webhook had said so") })]));
      }
      expect(unheard.ledger().webhooks).toEqual([]);
      expect(unheard.stats().webhooksEnabled).toBe(false);
      expect(webhooksReceived).toBe(0);
    } finally {
      await worker.stop();
    }
  });
});

describe("reconciliation against webhooks and other reconcilers", () => {
  it("never lets a lookup's older answer overwrite the status a webhook brought meanwhile", async () => {
    const { id, reference, dossierId } = await published(slowClient);
    await age([id]);
    // The webhook lands while the lookup is on its way back with "received".
    const racing: Pick<SymphonicsClient, "getDossier"> = {
      async getDossier(dossier, options) {
        const answer = await slowClient.getDossier(dossier, options);
        const body = { type: "dossier.accepted", data: { dossierId, externalReference: reference, status: "accepted", reason: null } };
        expect(await receiveWebhook(db, `msg_race_${id}`, body, body)).toBe("applied");
        return answer;
      },
    };
    expect(await reconcileDossierStatuses(reconcilerOf(racing))).toEqual({ checked: 1, reconciled: 0, notFound: 0 });
    expect(await publicationOf(id)).toMatchObject({ status: "published", dossierStatus: "accepted" });
    expect(await lookupsOf(id)).toEqual([expect.objectContaining({ outcome: "success", message: "200" })]);
  });

  it("a webhook counts as news: a dossier it moved is not looked up until its news is old", async () => {
    const { id, reference, dossierId } = await published(slowClient);
    await age([id]);
    const body = { type: "dossier.processing", data: { dossierId, externalReference: reference, status: "processing", reason: null } };
    expect(await receiveWebhook(db, `msg_news_${id}`, body, body)).toBe("applied");
    await reconcileDossierStatuses(reconcilerOf(slowClient));
    expect(lookupsSentTo(slow, dossierId)).toBe(0);
  });

  it("two reconcilers at once look each dossier up exactly once", async () => {
    const batch = await Promise.all(Array.from({ length: 8 }, () => published(slowClient)));
    await age(batch.map((p) => p.id));
    const rounds = await Promise.all([0, 1].map(() => reconcileDossierStatuses(reconcilerOf(slowClient, { batchSize: 3 }))));
    const more = await Promise.all([0, 1].map(() => reconcileDossierStatuses(reconcilerOf(slowClient, { batchSize: 3 }))));
    const rest = await Promise.all([0, 1].map(() => reconcileDossierStatuses(reconcilerOf(slowClient, { batchSize: 3 }))));
    const checked = [...rounds, ...more, ...rest].reduce((sum, round) => sum + round.checked, 0);
    expect(checked).toBe(8);
    for (const { id, dossierId } of batch) {
      expect(lookupsSentTo(slow, dossierId)).toBe(1);
      expect(await lookupsOf(id)).toHaveLength(1);
      // Still received at Symphonics: nothing changes, the news is fresh again.
      expect(await publicationOf(id)).toMatchObject({ status: "published", dossierStatus: "received" });
    }
    expect(await reconcileDossierStatuses(reconcilerOf(slowClient))).toMatchObject({ checked: 0 });
  });

  it("calls nothing while the circuit is open, then spends its probe on one lookup, which closes it", async () => {
    const batch = await Promise.all([published(slowClient), published(slowClient)]);
    await age(batch.map((p) => p.id));
    const lookups = () => batch.reduce((sum, { dossierId }) => sum + lookupsSentTo(slow, dossierId), 0);
    await db.update(circuitBreakers).set({ state: "open", probeAt: new Date(Date.now() + HOUR) }).where(eq(circuitBreakers.name, settings.breaker.name));
    expect(await reconcileDossierStatuses(reconcilerOf(slowClient))).toEqual({ checked: 0, reconciled: 0, notFound: 0, held: "circuit_open" });
    expect(lookups()).toBe(0);

    await db.update(circuitBreakers).set({ probeAt: new Date(Date.now() - 1000) }).where(eq(circuitBreakers.name, settings.breaker.name));
    expect(await reconcileDossierStatuses(reconcilerOf(slowClient))).toMatchObject({ checked: 1 });
    expect(lookups()).toBe(1);
    const [breaker] = await db.select().from(circuitBreakers).where(eq(circuitBreakers.name, settings.breaker.name));
    expect(breaker?.state).toBe("closed");
    expect(await reconcileDossierStatuses(reconcilerOf(slowClient))).toMatchObject({ checked: 1 });
    expect(lookups()).toBe(2);
  });

  it("waits its turn at the shared rate limit: when it is too far, nothing is sent and the dossiers stay due", async () => {
    const { id, dossierId } = await published(slowClient);
    await age([id]);
    await holdUntilRetryAfter(db, settings.rateLimit, 60_000);
    try {
      expect(await reconcileDossierStatuses(reconcilerOf(slowClient))).toMatchObject({ checked: 0, held: "rate_limit" });
      expect(lookupsSentTo(slow, dossierId)).toBe(0);
      expect((await publicationOf(id)).dossierStatusCheckedAt).toBeNull();
    } finally {
      await db.update(rateLimitBuckets).set({ tokens: settings.rateLimit.burst, blockedUntil: null }).where(eq(rateLimitBuckets.name, settings.rateLimit.name));
    }
    expect(await reconcileDossierStatuses(reconcilerOf(slowClient))).toMatchObject({ checked: 1 });
  });

  it("stops its round when Symphonics fails, the failure in the attempt log; the dossiers are due again later", async () => {
    const batch = await Promise.all([published(slowClient), published(slowClient)]);
    await age(batch.map((p) => p.id));
    slow.setFaults({ errorRate: 1 }); // 500, 502, 503 or 429
    try {
      const round = await reconcileDossierStatuses(reconcilerOf(slowClient));
      expect(round).toMatchObject({ checked: 1, reconciled: 0 });
      expect(["symphonics_failing", "rate_limit"]).toContain(round.held);
    } finally {
      slow.setFaults({ errorRate: 0 });
      await db.update(circuitBreakers).set({ state: "closed", consecutiveFailures: 0, probeAt: null }).where(eq(circuitBreakers.name, settings.breaker.name));
    }
    const attempts = (await Promise.all(batch.map(({ id }) => lookupsOf(id)))).flat();
    expect(attempts).toEqual([expect.objectContaining({ outcome: expect.stringMatching(/^(retryable|rate_limited)$/) })]);
    expect(await Promise.all(batch.map(async ({ id }) => (await publicationOf(id)).dossierStatus))).toEqual(["received", "received"]);
  });

  it("a dossier Symphonics no longer knows (404) is flagged for a person with an alert; nothing is deleted", async () => {
    const { id, reference, dossierId } = await published(slowClient);
    slow.reset(); // Symphonics forgets every dossier.
    await age([id]);
    const round = await reconcileDossierStatuses(reconcilerOf(slowClient, { batchSize: 500 }));
    expect(round.notFound).toBeGreaterThanOrEqual(1);

    const publication = await publicationOf(id);
    expect(publication).toMatchObject({
      status: "needs_review",
      dossierId,
      dossierStatus: "received",
      lastErrorCode: "dossier_not_found",
      problems: [{ field: "(dossier)", message: expect.stringContaining(`ask Symphonics what became of the dossier ${dossierId}`) }],
    });
    const [alert] = await db.select().from(alerts).where(and(eq(alerts.interventionId, id), eq(alerts.kind, "dossier_not_found")));
    expect(alert).toMatchObject({ severity: "critical", message: expect.stringContaining(reference) });
    expect(await lookupsOf(id)).toEqual([expect.objectContaining({ outcome: "not_retryable", httpStatus: 404 })]);
    // Flagged, so not looked up again and again.
    await age([id]);
    expect(await reconcileDossierStatuses(reconcilerOf(slowClient, { batchSize: 500 }))).toMatchObject({ checked: 0 });
  });
});

describe("the widening schedule", () => {
  const schedule: ReconcileSchedule = { firstMs: 15 * MINUTE, thenMs: [HOUR, 6 * HOUR], repeatMs: DAY, giveUpMs: 14 * DAY };

  it("looks a dossier up 15 min, 1 h and 6 h after its creation, then daily; still received after 14 days, it is flagged for a person and left alone", async () => {
    const { id, reference, dossierId } = await published(slowClient);
    const createdAt = (await publicationOf(id)).publishedAt!.getTime();
    // The reconciler's clock moves; the dossier stays received at Symphonics.
    const roundAt = (ms: number) => reconcileDossierStatuses(reconcilerOf(slowClient, { schedule, batchSize: 500, now: () => new Date(createdAt + ms) }));
    const sent = () => lookupsSentTo(slow, dossierId);

    await roundAt(14 * MINUTE);
    expect(sent()).toBe(0);
    await roundAt(15 * MINUTE + 1000);
    expect(sent()).toBe(1);
    expect((await publicationOf(id)).dossierStatusNextCheckAt).toEqual(new Date(createdAt + HOUR));
    await roundAt(59 * MINUTE);
    expect(sent()).toBe(1);
    await roundAt(HOUR + 1000);
    expect(sent()).toBe(2);
    await roundAt(5 * HOUR);
    expect(sent()).toBe(2);
    await roundAt(6 * HOUR + 1000);
    expect(sent()).toBe(3);
    await roundAt(23 * HOUR);
    expect(sent()).toBe(3);
    for (let day = 1; day <= 13; day += 1) {
      await roundAt(day * DAY + 1000);
      await roundAt(day * DAY + 2 * HOUR);
      expect(sent()).toBe(3 + day);
    }
    expect(await publicationOf(id)).toMatchObject({ status: "published", dossierStatus: "received" });
    expect(await lookupsOf(id)).toHaveLength(16);

    // The last scheduled lookup, at 14 days: still received, so a person is asked to find out.
    const last = await roundAt(14 * DAY + 1000);
    expect(last.unsettled).toBeGreaterThanOrEqual(1);
    expect(sent()).toBe(17);
    expect(await publicationOf(id)).toMatchObject({
      status: "needs_review",
      dossierId,
      dossierStatus: "received",
      lastErrorCode: "dossier_status_unsettled",
      problems: [{ field: "(dossier)", message: expect.stringContaining(`Ask Symphonics why the dossier ${dossierId} is not decided`) }],
    });
    const [alert] = await db.select().from(alerts).where(and(eq(alerts.interventionId, id), eq(alerts.kind, "dossier_status_unsettled")));
    expect(alert).toMatchObject({ severity: "warning", message: expect.stringContaining(reference) });
    await roundAt(20 * DAY);
    expect(sent()).toBe(17);
  });

  it("a lookup that fails is due again at the next point of the schedule, not at once", async () => {
    const { id, dossierId } = await published(slowClient);
    const createdAt = (await publicationOf(id)).publishedAt!.getTime();
    const roundAt = (ms: number) => reconcileDossierStatuses(reconcilerOf(slowClient, { schedule, batchSize: 500, now: () => new Date(createdAt + ms) }));
    slow.setFaults({ errorRate: 1 });
    try {
      await roundAt(16 * MINUTE);
    } finally {
      slow.setFaults({ errorRate: 0 });
      await db.update(circuitBreakers).set({ state: "closed", consecutiveFailures: 0, probeAt: null }).where(eq(circuitBreakers.name, settings.breaker.name));
      await db.update(rateLimitBuckets).set({ tokens: settings.rateLimit.burst, blockedUntil: null }).where(eq(rateLimitBuckets.name, settings.rateLimit.name));
    }
    const failed = lookupsSentTo(slow, dossierId);
    await roundAt(40 * MINUTE);
    expect(lookupsSentTo(slow, dossierId)).toBe(failed);
    await roundAt(HOUR + 1000);
    expect(lookupsSentTo(slow, dossierId)).toBe(failed + 1);
    expect((await publicationOf(id)).dossierStatusNextCheckAt).toEqual(new Date(createdAt + 6 * HOUR));
  });
});

import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { alerts, publications, webhookEvents } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { raiseAlert } from "@/lib/alerts/alerts";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { overview } from "@/lib/dashboard/overview";
import { metrics } from "@/lib/observability/metrics";
import { runAlertCycle } from "./alert-cycle";
import { configuredChannels } from "./channels";
import { startSmtpListener, startWebhookListener } from "./test-support";
import { recordWebhookSignatureFailure } from "./webhook-signature-failures";

const { db } = await useTestDatabase();
const smtp = await startSmtpListener();
const hook = await startWebhookListener();
afterAll(async () => {
  await smtp.close();
  await hook.close();
});

const settings = {
  SMTP_URL: smtp.url,
  ALERT_EMAIL_TO: "ops@installer.example, oncall@installer.example",
  ALERT_EMAIL_FROM: "publisher@installer.example",
  ALERT_WEBHOOK_URL: hook.url,
  ALERT_CIRCUIT_OPEN_SECONDS: 600,
  ALERT_OLDEST_JOB_SECONDS: 900,
  ALERT_SIGNATURE_FAILURES: 5,
  ALERT_SIGNATURE_WINDOW_SECONDS: 300,
  WEBHOOK_SILENCE_ALERT_MINUTES: 60,
  ALERT_DIGEST_SECONDS: 900,
  PUBLIC_BASE_URL: "https://publisher.example",
};
const channels = configuredChannels(settings);
const cycle = (overrides: Partial<typeof settings> = {}) => runAlertCycle(db, { ...settings, ...overrides }, channels);

/** Interventions that are not eligible (scheduled), so no job runs; the test drives their publication state. */
async function createInterventions(count: number, prefix: string): Promise<{ id: string; reference: string }[]> {
  const created = [];
  for (let i = 0; i < count; i++) {
    const reference = `${prefix}-${i}`;
    const { id } = await putIntervention(db, reference, sampleInterventionInput({ status: "scheduled" }), systemPrincipal);
    created.push({ id, reference });
  }
  return created;
}

async function failing(interventions: { id: string; reference: string }[]) {
  await db.update(publications).set({ status: "retrying", consecutiveFailures: 6 }).where(inArray(publications.interventionId, interventions.map((i) => i.id)));
  // Every retry of every intervention raises again: 4 rounds of the whole backlog.
  for (let round = 0; round < 4; round++) {
    await Promise.all(
      interventions.map((i) =>
        raiseAlert(db, {
          kind: "publication_failing",
          groupKey: `publication_failing:${i.id}`,
          severity: "warning",
          message: `The publication of ${i.reference} has failed ${6 + round} times in a row (last: server_error, 502 from Symphonics); it is retried.`,
          interventionId: i.id,
        }),
      ),
    );
  }
}

beforeEach(async () => {
  smtp.received.length = 0;
  hook.received.length = 0;
  smtp.failNext(0);
  hook.answerWith(200);
  await db.execute(sql`delete from alerts; delete from webhook_signature_failures; delete from circuit_breakers`);
});

describe("alert delivery", () => {
  it("turns an outage (30 interventions failing, retried over and over, credentials refused) into one email and one webhook post", async () => {
    const backlog = await createInterventions(30, "INT-OUTAGE");
    await failing(backlog);
    for (let i = 0; i < 20; i++) {
      await raiseAlert(db, { kind: "symphonics_invalid_client", groupKey: "symphonics:invalid_client", severity: "critical", message: "Symphonics refuses our client credentials (invalid_client)." });
    }
    expect(await db.select().from(alerts)).toHaveLength(31);

    const first = await cycle();
    expect(first.delivery).toEqual({ sent: 31, held: 0, failed: [] });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.from).toBe("publisher@installer.example");
    expect(mail!.to).toEqual(["ops@installer.example", "oncall@installer.example"]);
    expect(mail!.data).toContain("Subject: [symphonics-publisher] CRITICAL: 31 open alerts");
    expect(mail!.data).toContain("- publication_failing (30):");
    expect(mail!.data).toContain("… and 20 more");
    expect(mail!.data).toContain("[seen 20 times since");
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]).toMatchObject({ text: expect.stringContaining("31 open alerts"), alerts: expect.arrayContaining([expect.objectContaining({ kind: "symphonics_invalid_client", occurrences: 20, state: "open" })]) });

    // The outage goes on: the same alerts are seen again and again, nobody is told twice.
    await failing(backlog);
    await cycle();
    await cycle();
    expect(smtp.received).toHaveLength(1);
    expect(hook.received).toHaveLength(1);
  });

  it("gathers further alerts of a kind already told into the next digest, and sends a new kind at once", async () => {
    const [a, b] = await createInterventions(2, "INT-DIGEST");
    await failing([a!]);
    await cycle();
    expect(smtp.received).toHaveLength(1);

    await failing([b!]);
    const held = await cycle();
    expect(held.delivery).toEqual({ sent: 0, held: 1, failed: [] });
    expect(smtp.received).toHaveLength(1);

    await raiseAlert(db, { kind: "publication_failed", groupKey: `publication_failed:${b!.id}`, severity: "critical", message: "failed for good", interventionId: b!.id });
    const newKind = await cycle();
    expect(newKind.delivery.sent).toBe(1);
    expect(smtp.received[1]!.data).toContain("publication_failed");
    expect(smtp.received[1]!.data).not.toContain("INT-DIGEST-1 has failed");

    // Once the period is over (here: no period), the held one goes.
    const after = await cycle({ ALERT_DIGEST_SECONDS: 0 });
    expect(after.delivery.sent).toBe(1);
    expect(smtp.received[2]!.data).toContain("INT-DIGEST-1 has failed");
  });

  it("keeps alerts pending when a channel refuses them, and delivers them at the next cycle", async () => {
    await raiseAlert(db, { kind: "symphonics_invalid_client", groupKey: "symphonics:invalid_client", severity: "critical", message: "refused" });
    smtp.failNext(1);
    const failed = await cycle();
    expect(failed.delivery).toMatchObject({ sent: 0, failed: ["email"] });
    expect(smtp.received).toHaveLength(0);
    const [row] = await db.select().from(alerts);
    expect(row!.deliveredAt).toBeNull();

    hook.received.length = 0;
    const retried = await cycle();
    expect(retried.delivery).toMatchObject({ sent: 1, failed: [] });
    expect(smtp.received).toHaveLength(1);
    expect(hook.received).toHaveLength(1);
  });

  it("sends nothing and marks nothing when no channel is configured (the alerts stay in the app)", async () => {
    await raiseAlert(db, { kind: "symphonics_invalid_client", groupKey: "symphonics:invalid_client", severity: "critical", message: "refused" });
    expect(configuredChannels({ ALERT_EMAIL_FROM: "x@y.z" })).toEqual([]);
    const result = await runAlertCycle(db, settings, []);
    expect(result.delivery).toEqual({ sent: 0, held: 0, failed: [] });
    expect((await db.select().from(alerts))[0]!.deliveredAt).toBeNull();
  });
});

describe("auto-resolution", () => {
  it("resolves failing publications once they are published, and tells it in one notice", async () => {
    const backlog = await createInterventions(3, "INT-RECOVER");
    await failing(backlog);
    await cycle();
    await db.update(publications).set({ status: "published", consecutiveFailures: 0 }).where(inArray(publications.interventionId, backlog.map((i) => i.id)));

    const result = await cycle({ ALERT_DIGEST_SECONDS: 0 });
    expect(result.resolved).toBe(3);
    expect(await db.select().from(alerts).where(sql`${alerts.resolvedAt} is null`)).toHaveLength(0);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1]!.data).toContain("Subject: [symphonics-publisher] 3 resolved alerts");
    expect(await cycle({ ALERT_DIGEST_SECONDS: 0 })).toMatchObject({ resolved: 0, delivery: { sent: 0 } });
    expect(smtp.received).toHaveLength(2);
  });

  it("raises the circuit open too long as critical and resolves it, with the pipeline's circuit alert, when the circuit closes", async () => {
    await db.execute(sql`insert into circuit_breakers (name, state, opened_at) values ('symphonics', 'open', now() - interval '11 minutes')`);
    await raiseAlert(db, { kind: "symphonics_circuit_open", groupKey: "symphonics:circuit_open", severity: "warning", message: "paused" });
    const open = await cycle();
    expect(open.raised).toEqual(["symphonics:circuit_open_too_long:symphonics"]);
    expect(smtp.received[0]!.data).toMatch(/CRITICAL.*has been open for 11 min/s);

    await db.execute(sql`update circuit_breakers set state = 'closed', opened_at = null`);
    const closed = await cycle({ ALERT_DIGEST_SECONDS: 0 });
    expect(closed.resolved).toBe(2);
  });

  it("raises a stalled queue when the oldest due job waits too long, and resolves it once taken", async () => {
    await db.execute(sql`insert into pgboss.job (name, data, created_on, start_after) values ('publish-intervention', '{}', now() - interval '20 minutes', now() - interval '20 minutes')`);
    expect((await cycle()).raised).toEqual(["queue:publication_stalled"]);
    expect(smtp.received[0]!.data).toContain("The oldest publication job has waited 20 min for a worker (1 waiting)");
    await db.execute(sql`delete from pgboss.job where name = 'publish-intervention'`);
    expect((await cycle()).resolved).toBe(1);
  });

  it("raises a burst of webhook signature failures, not a lone one, and resolves it when the burst is over", async () => {
    await recordWebhookSignatureFailure(db, "no matching signature");
    expect((await cycle()).raised).toEqual([]);
    for (let i = 0; i < 4; i++) await recordWebhookSignatureFailure(db, "timestamp too old");
    expect((await cycle()).raised).toEqual(["webhook:signature_failures"]);
    await db.execute(sql`update webhook_signature_failures set minute = minute - interval '10 minutes'`);
    expect((await cycle()).resolved).toBe(1);
  });

  it("raises Symphonics' webhook silence while dossiers await its decision, in the metric too, and resolves it when a webhook comes", async () => {
    const gauge = async (name: string) => (await metrics().registry.getSingleMetric(name)!.get()).values[0]?.value;
    const [waiting] = await createInterventions(1, "INT-SILENT");
    const awaiting = { status: "published" as const, dossierId: `dos_silent_${process.pid}`, dossierStatus: "received" as const, publishedAt: sql`now() - interval '30 minutes'` };
    await db.update(publications).set(awaiting).where(eq(publications.interventionId, waiting!.id));
    // Sent 30 min ago, nothing heard since: silent, not yet for long enough.
    expect((await cycle()).raised).not.toContain("webhook:silent");
    expect(await gauge("symphonics_dossiers_awaiting_final_status")).toBe(1);
    expect(await gauge("symphonics_webhook_silence_seconds")).toBeGreaterThanOrEqual(1800);

    await db.update(publications).set({ publishedAt: sql`now() - interval '3 hours'` }).where(eq(publications.interventionId, waiting!.id));
    // A webhook 90 min ago, about another dossier: the silence runs from it.
    await db.insert(webhookEvents).values({ webhookId: `msg_silent_${process.pid}`, type: "dossier.accepted", outcome: "applied", receivedAt: sql`now() - interval '90 minutes'` });
    expect((await cycle()).raised).toContain("webhook:silent");
    expect(smtp.received.at(-1)!.data).toContain("Symphonics has sent no webhook for 90 min while 1 dossiers await its decision");
    const silence = await gauge("symphonics_webhook_silence_seconds");
    expect(silence).toBeGreaterThanOrEqual(5400);
    expect(silence).toBeLessThan(5500);
    const [alert] = await db.select().from(alerts).where(eq(alerts.groupKey, "webhook:silent"));
    expect(alert).toMatchObject({ kind: "symphonics_webhooks_silent", severity: "warning", resolvedAt: null });
    // On the overview with the other open alerts.
    const shown = await overview(db, { range: "24h", tz: { kind: "name", name: "UTC" } });
    expect(shown.alerts).toContainEqual(expect.objectContaining({ kind: "symphonics_webhooks_silent", message: expect.stringContaining("no webhook for 90 min") }));

    await db.insert(webhookEvents).values({ webhookId: `msg_heard_${process.pid}`, type: "dossier.processing", outcome: "applied" });
    expect((await cycle()).resolved).toBe(1);
    expect(await gauge("symphonics_webhook_silence_seconds")).toBeLessThan(60);

    // Nothing awaits a decision: no silence to speak of, however old the last webhook.
    await db.update(webhookEvents).set({ receivedAt: sql`now() - interval '5 hours'` });
    await db.update(publications).set({ dossierStatus: "accepted" }).where(eq(publications.interventionId, waiting!.id));
    expect((await cycle()).raised).not.toContain("webhook:silent");
    expect(await gauge("symphonics_webhook_silence_seconds")).toBe(0);
    expect(await gauge("symphonics_dossiers_awaiting_final_status")).toBe(0);
  });

  it("resolves refused credentials once Symphonics accepts an exchange again", async () => {
    const [one] = await createInterventions(1, "INT-CREDS");
    await raiseAlert(db, { kind: "symphonics_invalid_client", groupKey: "symphonics:invalid_client", severity: "critical", message: "refused" });
    expect((await cycle()).resolved).toBe(0);
    await db.execute(sql`insert into publication_attempts (intervention_id, operation, trigger, outcome, http_status, duration_ms, started_at)
      values (${one!.id}, 'create_dossier', 'retry', 'success', 201, 40, now() + interval '1 second')`);
    expect((await cycle()).resolved).toBe(1);
    const [row] = await db.select().from(alerts).where(eq(alerts.groupKey, "symphonics:invalid_client"));
    expect(row!.resolvedAt).not.toBeNull();
  });
});

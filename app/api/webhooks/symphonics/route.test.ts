import { count, eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { alerts, auditLog, publicationAttempts, publications, webhookEvents } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { evaluateAlerts } from "@/lib/notifications/evaluator";
import { metrics } from "@/lib/observability/metrics";
import { captureLogs } from "@/lib/observability/test-support";
import { POST } from "./route";

const logs = captureLogs();

const OLD_SECRET = `whsec_${Buffer.from("the secret being rotated out, 32 b").toString("base64")}`;
const NEW_SECRET = `whsec_${Buffer.from("the secret being rotated in, 32 by").toString("base64")}`;
const FOREIGN_SECRET = `whsec_${Buffer.from("somebody else's secret, 32 bytes!!").toString("base64")}`;
// During a rotation both secrets are configured.
process.env.SYMPHONICS_WEBHOOK_SECRET = `${OLD_SECRET} ${NEW_SECRET}`;

const { db } = await useTestDatabase();

let sequence = 0;
const messageId = () => `msg_test_${process.pid}_${++sequence}`;

interface Delivery {
  type?: string;
  dossierId: string;
  externalReference: string;
  reason?: string | null;
  id?: string;
  secrets?: string[];
  timestamp?: Date;
  tamper?: (body: string) => string;
  raw?: string;
}

function eventBody({ type = "dossier.accepted", dossierId, externalReference, reason = null }: Delivery): string {
  return JSON.stringify({ type, timestamp: new Date().toISOString(), data: { dossierId, externalReference, status: type.replace("dossier.", ""), reason } });
}

async function deliver(delivery: Delivery) {
  const id = delivery.id ?? messageId();
  const timestamp = delivery.timestamp ?? new Date();
  const body = delivery.raw ?? eventBody(delivery);
  const signatures = (delivery.secrets ?? [NEW_SECRET]).map((secret) => new Webhook(secret).sign(id, timestamp, body)).join(" ");
  const sent = delivery.tamper ? delivery.tamper(body) : body;
  const response = await POST(
    new Request("http://localhost/api/webhooks/symphonics", {
      method: "POST",
      headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)), "webhook-signature": signatures },
      body: sent,
    }),
    {},
  );
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type"), body: text ? JSON.parse(text) : null, id };
}

let counter = 0;
/** A published intervention whose dossier Symphonics knows as `dos_…`. */
async function publishedIntervention(options: { dossierStored?: boolean } = {}) {
  const reference = `INT-WH-${process.pid}-${++counter}`;
  const { id } = await putIntervention(db, reference, sampleInterventionInput(), systemPrincipal);
  const dossierId = `dos_${reference}`;
  await db
    .update(publications)
    .set(options.dossierStored === false ? { status: "in_progress" } : { status: "published", dossierId, dossierStatus: "received" })
    .where(eq(publications.interventionId, id));
  return { id, reference, dossierId };
}

async function publicationOf(id: string) {
  const [row] = await db.select().from(publications).where(eq(publications.interventionId, id));
  return row!;
}

const eventCount = async () => (await db.select({ n: count() }).from(webhookEvents))[0]!.n;

let target: Awaited<ReturnType<typeof publishedIntervention>>;
beforeAll(async () => {
  target = await publishedIntervention();
});

describe("POST /api/webhooks/symphonics", () => {
  it("applies a signed status change and stores the event", async () => {
    const response = await deliver({ type: "dossier.processing", dossierId: target.dossierId, externalReference: target.reference });
    expect(response).toMatchObject({ status: 200, body: { received: true, outcome: "applied" } });
    expect((await publicationOf(target.id)).dossierStatus).toBe("processing");
    const [event] = await db.select().from(webhookEvents).where(eq(webhookEvents.webhookId, response.id));
    expect(event).toMatchObject({ type: "dossier.processing", dossierId: target.dossierId, outcome: "applied" });
  });

  it("handles a webhook-id once: a duplicate is acknowledged and changes nothing, even delivered concurrently", async () => {
    const own = await publishedIntervention();
    const id = messageId();
    const responses = await Promise.all(Array.from({ length: 10 }, () => deliver({ id, type: "dossier.processing", dossierId: own.dossierId, externalReference: own.reference })));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses.filter((r) => r.body.outcome === "applied")).toHaveLength(1);
    expect(responses.filter((r) => r.body.outcome === "duplicate")).toHaveLength(9);
    expect(await db.select().from(webhookEvents).where(eq(webhookEvents.webhookId, id))).toHaveLength(1);

    // The same id again later, even claiming another status: nothing changes.
    const replay = await deliver({ id, type: "dossier.rejected", reason: "other", dossierId: own.dossierId, externalReference: own.reference });
    expect(replay).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect((await publicationOf(own.id)).dossierStatus).toBe("processing");
  });

  it("never lets an older status overwrite a newer one (out-of-order delivery)", async () => {
    const own = await publishedIntervention();
    expect((await deliver({ type: "dossier.accepted", dossierId: own.dossierId, externalReference: own.reference })).body.outcome).toBe("applied");
    expect((await deliver({ type: "dossier.processing", dossierId: own.dossierId, externalReference: own.reference })).body.outcome).toBe("stale");
    expect((await deliver({ type: "dossier.received", dossierId: own.dossierId, externalReference: own.reference })).body.outcome).toBe("stale");
    // accepted is final: not even a rejection moves it.
    expect((await deliver({ type: "dossier.rejected", reason: "other", dossierId: own.dossierId, externalReference: own.reference })).body.outcome).toBe("stale");
    expect(await publicationOf(own.id)).toMatchObject({ dossierStatus: "accepted", status: "published" });
  });

  it("a rejection flags the intervention for review with the reason and raises an alert", async () => {
    const own = await publishedIntervention();
    const response = await deliver({ type: "dossier.rejected", reason: "photo_unreachable", dossierId: own.dossierId, externalReference: own.reference });
    expect(response.body.outcome).toBe("applied");
    const publication = await publicationOf(own.id);
    expect(publication).toMatchObject({ status: "needs_review", dossierStatus: "rejected", rejectionReason: "photo_unreachable", lastErrorCode: "dossier_rejected" });
    expect(publication.problems?.[0]?.message).toMatch(/photos/);
    const raised = await db.select().from(alerts).where(eq(alerts.interventionId, own.id));
    expect(raised).toMatchObject([{ kind: "dossier_rejected", severity: "warning" }]);
  });

  it("finds the publication by external reference when the webhook outruns the stored dossier id", async () => {
    const own = await publishedIntervention({ dossierStored: false });
    const response = await deliver({ type: "dossier.received", dossierId: own.dossierId, externalReference: own.reference });
    expect(response.body.outcome).toBe("applied");
    expect(await publicationOf(own.id)).toMatchObject({ dossierId: own.dossierId, dossierStatus: "received", status: "in_progress" });
  });

  it("attaches a dossier by reference only to a publication that has sent its create call and holds no other dossier", async () => {
    const unsent = async (input: Parameters<typeof sampleInterventionInput>[0]) => {
      const reference = `INT-WH-${process.pid}-${++counter}`;
      const { id } = await putIntervention(db, reference, sampleInterventionInput(input), systemPrincipal);
      return { id, reference };
    };
    // Not ready, or queued but not yet sent: Symphonics cannot have a dossier for it.
    for (const own of [await unsent({ status: "scheduled" }), await unsent({})]) {
      const before = await publicationOf(own.id);
      const response = await deliver({ type: "dossier.accepted", dossierId: "dos_forged", externalReference: own.reference });
      expect(response).toMatchObject({ status: 200, body: { outcome: "unknown_dossier" } });
      expect(await publicationOf(own.id)).toEqual(before);
      const [event] = await db.select().from(webhookEvents).where(eq(webhookEvents.webhookId, response.id));
      expect(event!.outcome).toBe("unknown_dossier");
    }

    // Retrying after a create call that may have reached Symphonics: its dossier is attached.
    const retried = await unsent({});
    await db.update(publications).set({ status: "retrying" }).where(eq(publications.interventionId, retried.id));
    await db.insert(publicationAttempts).values({ interventionId: retried.id, operation: "create_dossier", trigger: "automatic", outcome: "retryable", durationMs: 30_000 });
    expect((await deliver({ type: "dossier.received", dossierId: `dos_${retried.reference}`, externalReference: retried.reference })).body.outcome).toBe("applied");
    expect(await publicationOf(retried.id)).toMatchObject({ dossierId: `dos_${retried.reference}`, status: "retrying" });
    // Retrying after a failed token exchange: nothing was sent.
    const tokenOnly = await unsent({});
    await db.update(publications).set({ status: "retrying" }).where(eq(publications.interventionId, tokenOnly.id));
    await db.insert(publicationAttempts).values({ interventionId: tokenOnly.id, operation: "token", trigger: "automatic", outcome: "retryable", durationMs: 10 });
    expect((await deliver({ type: "dossier.received", dossierId: "dos_forged_2", externalReference: tokenOnly.reference })).body.outcome).toBe("unknown_dossier");

    // A publication holding another dossier keeps it.
    const other = await publishedIntervention();
    expect((await deliver({ type: "dossier.accepted", dossierId: "dos_forged_3", externalReference: other.reference })).body.outcome).toBe("unknown_dossier");
    expect(await publicationOf(other.id)).toMatchObject({ dossierId: other.dossierId, dossierStatus: "received" });
  });

  it("acknowledges unknown types and unknown dossiers, storing them", async () => {
    expect((await deliver({ type: "dossier.archived", dossierId: target.dossierId, externalReference: target.reference })).body).toMatchObject({ outcome: "unknown_type" });
    expect((await deliver({ type: "dossier.accepted", dossierId: "dos_nobody", externalReference: "INT-NOBODY" })).body).toMatchObject({ outcome: "unknown_dossier" });
  });

  it("accepts either secret during a rotation, and a header carrying several signatures", async () => {
    const own = await publishedIntervention();
    expect((await deliver({ type: "dossier.processing", secrets: [OLD_SECRET], dossierId: own.dossierId, externalReference: own.reference })).status).toBe(200);
    expect((await deliver({ type: "dossier.accepted", secrets: [FOREIGN_SECRET, NEW_SECRET], dossierId: own.dossierId, externalReference: own.reference })).status).toBe(200);
    expect((await publicationOf(own.id)).dossierStatus).toBe("accepted");
  });

  describe("refuses with 401 and changes nothing", () => {
    const refusals: [string, (own: { dossierId: string; reference: string }) => Delivery][] = [
      ["a tampered body", (own) => ({ dossierId: own.dossierId, externalReference: own.reference, tamper: (body) => body.replace("accepted", "rejected") })],
      ["a signature made with another secret", (own) => ({ dossierId: own.dossierId, externalReference: own.reference, secrets: [FOREIGN_SECRET] })],
      ["a timestamp older than 5 minutes", (own) => ({ dossierId: own.dossierId, externalReference: own.reference, timestamp: new Date(Date.now() - 6 * 60_000) })],
      ["a timestamp more than 5 minutes ahead", (own) => ({ dossierId: own.dossierId, externalReference: own.reference, timestamp: new Date(Date.now() + 6 * 60_000) })],
    ];
    it.each(refusals)("%s", async (_name, make) => {
      const own = await publishedIntervention();
      const before = await eventCount();
      const response = await deliver(make(own));
      expect(response.status).toBe(401);
      expect(response.contentType).toBe("application/problem+json");
      expect(response.body).toMatchObject({ status: 401, code: "invalid_signature" });
      expect(await eventCount()).toBe(before);
      expect((await publicationOf(own.id)).dossierStatus).toBe("received");
    });

    it("missing signature headers", async () => {
      const response = await POST(new Request("http://localhost/api/webhooks/symphonics", { method: "POST", body: "{}" }), {});
      expect(response.status).toBe(401);
    });
  });

  it("counts a flood of bad signatures and logs each reason once a minute, without an audit row each, and the alert still sees it", async () => {
    const own = await publishedIntervention();
    await db.execute(sql`delete from webhook_signature_failures`);
    const audited = async () => (await db.select({ n: count() }).from(auditLog))[0]!.n;
    const counted = async () => (await metrics().webhookSignatureFailures.get()).values[0]?.value ?? 0;
    const [auditBefore, countedBefore] = [await audited(), await counted()];
    logs.clear();
    // One minute's flood (the clock held still), half of it forged, half replayed late.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date() });
    try {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          deliver(i % 2 ? { dossierId: own.dossierId, externalReference: own.reference, secrets: [FOREIGN_SECRET] } : { dossierId: own.dossierId, externalReference: own.reference, timestamp: new Date(Date.now() - 6 * 60_000) }),
        ),
      );
      expect(responses.every((r) => r.status === 401)).toBe(true);
    } finally {
      vi.useRealTimers();
    }

    expect((await audited()) - auditBefore).toBeLessThanOrEqual(1);
    expect((await counted()) - countedBefore).toBe(50);
    const refused = logs.lines().filter((line) => line.message === "symphonics webhook refused");
    expect(refused.map((line) => String(line.reason).replace(/:.*/, "")).sort()).toEqual(["No signature matches.", "The webhook timestamp is refused"]);

    const settings = { circuitOpenSeconds: 600, oldestJobSeconds: 900, signatureFailures: 10, signatureWindowSeconds: 300, webhookSilenceSeconds: 3600 };
    expect((await evaluateAlerts(db, settings)).raised).toContain("webhook:signature_failures");
    const [alert] = await db.select().from(alerts).where(eq(alerts.kind, "webhook_signature_failures"));
    expect(alert!.message).toMatch(/^50 Symphonics webhooks were refused/);
  });

  it("answers a signed but malformed body with 400 or 422, never 500, storing nothing", async () => {
    const before = await eventCount();
    expect((await deliver({ dossierId: "x", externalReference: "y", raw: "not json" })).status).toBe(400);
    const invalid = await deliver({ dossierId: "x", externalReference: "y", raw: JSON.stringify({ type: 42 }) });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors[0].field).toBe("type");
    expect(await eventCount()).toBe(before);
  });
});

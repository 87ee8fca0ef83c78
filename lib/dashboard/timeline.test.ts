import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { interventions, publicationAttempts, webhookEvents } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { systemPrincipal, type Principal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { interventionTimeline } from "./timeline";

const { db } = await useTestDatabase();
const workforceApp: Principal = { kind: "api_token", id: null, label: "workforce-app", role: "operator" };
const operator: Principal = { kind: "user", id: null, label: "operator@demo.local", role: "operator" };
let id: string;

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

beforeAll(async () => {
  await putIntervention(db, "TL-1", sampleInterventionInput({ contract_signed_at: null }), workforceApp);
  [{ id }] = (await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, "TL-1"))) as [{ id: string }];
  await db.insert(publicationAttempts).values([
    { interventionId: id, operation: "create_dossier", trigger: "automatic", triggeredBy: "workforce-app", outcome: "retryable", httpStatus: 502, message: "502 Bad Gateway", durationMs: 80, responseExcerpt: "<html>bad gateway</html>", startedAt: minutesAgo(50) },
    { interventionId: id, operation: "create_dossier", trigger: "retry", outcome: "retryable", httpStatus: 503, problemCode: "maintenance", durationMs: 12, startedAt: minutesAgo(40) },
    { interventionId: id, operation: "create_dossier", trigger: "manual", triggeredBy: "operator@demo.local", outcome: "success", httpStatus: 201, durationMs: 90, idempotencyKey: "key-1", startedAt: minutesAgo(20) },
  ]);
  await db.insert(webhookEvents).values([
    { webhookId: "wh_tl_1", type: "dossier.status_changed", externalReference: "TL-1", dossierId: "dos_tl", status: "rejected", reason: "document_unreachable", outcome: "applied", receivedAt: minutesAgo(10) },
    // Another intervention's notification never shows.
    { webhookId: "wh_tl_2", type: "dossier.status_changed", externalReference: "TL-OTHER", dossierId: "dos_other", status: "accepted", outcome: "applied", receivedAt: minutesAgo(9) },
  ]);
  await recordAudit(db, operator, "publication.requested", id, { from: "retrying", scheduledFor: minutesAgo(15).toISOString() });
  await recordAudit(db, systemPrincipal, "publication.rejected", id, { dossierId: "dos_tl", reason: "document_unreachable", source: "webhook" });
  await recordAudit(db, operator, "publication.resolved", id, { dossierId: "dos_tl", note: "Settled with Symphonics by phone" });
});

describe("interventionTimeline", () => {
  it("lists the trigger, every exchange, notification, outcome and staff action of one intervention, newest first, in words", async () => {
    const { entries, truncated } = await interventionTimeline(db, { id, reference: "TL-1", dossierId: "dos_tl", gaveUp: false }, 100);
    expect(truncated).toBe(false);
    // Newest first.
    expect(entries.map((entry) => entry.at)).toEqual([...entries.map((entry) => entry.at)].sort().reverse());
    expect(entries.map((entry) => entry.kind).sort()).toEqual(["attempt", "attempt", "attempt", "outcome", "staff_action", "staff_action", "trigger", "webhook"]);

    const trigger = entries.find((entry) => entry.kind === "trigger")!;
    expect(trigger).toMatchObject({ text: "The intervention was created (installation done).", by: "workforce-app", tone: "neutral" });

    const attempts = entries.filter((entry) => entry.kind === "attempt");
    expect(attempts.map((attempt) => [attempt.text, attempt.by, attempt.tone])).toEqual([
      ["Symphonics created the dossier.", "operator@demo.local (Publish/Retry now)", "success"],
      ["Symphonics was under maintenance: it is retried automatically once Symphonics is back.", "Automatic retry", "failure"],
      ["Symphonics' gateway did not reach its servers (HTTP 502): it is retried automatically.", "Automatic, after a change by workforce-app", "failure"],
    ]);
    // The codes and the response are behind "details", not in the sentence.
    expect(attempts[2]!.details).toEqual(["create_dossier: outcome retryable", "HTTP 502", "502 Bad Gateway", "80 ms"]);
    expect(attempts[2]!.responseExcerpt).toBe("<html>bad gateway</html>");
    expect(attempts[0]!.details).toContain("Idempotency-Key key-1");

    const webhook = entries.find((entry) => entry.kind === "webhook")!;
    expect(webhook).toMatchObject({ text: "Symphonics rejected it. Symphonics could not download one of the documents. Applied.", by: "Symphonics", tone: "failure" });

    const staff = entries.filter((entry) => entry.kind === "staff_action");
    expect(staff.map((entry) => [entry.text, entry.by])).toEqual([
      ["Marked resolved: Settled with Symphonics by phone", "operator@demo.local"],
      ["Publish/Retry now was asked for during a scheduled retry: it is sent at once.", "operator@demo.local"],
    ]);
    expect(staff[0]!.details[0]).toBe("publication.resolved");

    expect(entries.find((entry) => entry.kind === "outcome")).toMatchObject({
      text: "Symphonics rejected dossier dos_tl: Symphonics could not download one of the documents.",
      by: "Automatic",
      tone: "failure",
    });
  });

  it("says the newest failing exchange of a spent budget is where the retries stopped", async () => {
    await putIntervention(db, "TL-2", sampleInterventionInput({ contract_signed_at: null }), workforceApp);
    const [{ id: failedId }] = (await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, "TL-2"))) as [{ id: string }];
    await db.insert(publicationAttempts).values([
      { interventionId: failedId, operation: "create_dossier", trigger: "retry", outcome: "retryable", httpStatus: 503, problemCode: "maintenance", durationMs: 5, startedAt: minutesAgo(2) },
      { interventionId: failedId, operation: "create_dossier", trigger: "retry", outcome: "retryable", httpStatus: 503, problemCode: "maintenance", durationMs: 5, startedAt: minutesAgo(1) },
    ]);
    await recordAudit(db, systemPrincipal, "publication.failed", failedId, { code: "maintenance", attempts: 2 });
    const { entries } = await interventionTimeline(db, { id: failedId, reference: "TL-2", dossierId: null, gaveUp: true }, 100);
    const attempts = entries.filter((entry) => entry.kind === "attempt");
    expect(attempts.map((attempt) => attempt.text)).toEqual([
      "Gave up: the automatic retries are spent. Symphonics was under maintenance: it is retried automatically once Symphonics is back.",
      "Symphonics was under maintenance: it is retried automatically once Symphonics is back.",
    ]);
    expect(entries.find((entry) => entry.kind === "outcome")?.text).toBe("Gave up after 2 failed attempts in a row: a person must act.");
  });

  it("keeps the newest entries when there are more than the limit, and says so", async () => {
    const { entries, truncated } = await interventionTimeline(db, { id, reference: "TL-1", dossierId: "dos_tl", gaveUp: false }, 3);
    expect(truncated).toBe(true);
    expect(entries).toHaveLength(3);
    const all = await interventionTimeline(db, { id, reference: "TL-1", dossierId: "dos_tl", gaveUp: false }, 100);
    expect(entries).toEqual(all.entries.slice(0, 3));
  });
});

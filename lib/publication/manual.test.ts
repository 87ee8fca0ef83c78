import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { alerts, auditLog, publications, workerHeartbeats, type Publication } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { raiseAlert } from "@/lib/alerts/alerts";
import { systemPrincipal, type Principal } from "@/lib/auth/roles";
import { listAttention } from "@/lib/dashboard/attention";
import { syncStatusOf } from "@/lib/dashboard/publication";
import { syncStatusSchema } from "@/lib/openapi/schemas";
import { AppError } from "@/lib/errors";
import { putIntervention } from "@/lib/interventions/intake";
import { checkLinks } from "@/lib/storage/link-check";
import { checkDossierFiles, requestPublication, resolvePublication } from "./manual";
import { publicationQueue } from "./queue";
import { eligibleInput, fastPipelineEnv, sampleFileStorage } from "./test-support";

Object.assign(process.env, fastPipelineEnv({ FILE_STORAGE_DIR: sampleFileStorage() }));
const { db } = await useTestDatabase();
const operator: Principal = { kind: "user", id: null, label: "operator@demo.local", role: "operator" };
const deps = { signUrl: (path: string) => `https://files.test.invalid/files/${path}`, fileExists: async () => true, queue: publicationQueue() };

let counter = 0;
async function intervention(publication: Partial<Publication>) {
  const reference = `INT-STAFF-${process.pid}-${++counter}`;
  const { id } = await putIntervention(db, reference, eligibleInput(), systemPrincipal);
  if (Object.keys(publication).length) await db.update(publications).set(publication).where(eq(publications.interventionId, id));
  return { id, reference };
}
const jobs = async (id: string) =>
  db.execute<{ start_after: Date; data: { trigger: string; triggeredBy: string }; due: boolean }>(
    sql`select start_after, data, start_after <= now() as due from pgboss.job where singleton_key = ${id} and state in ('created', 'retry')`,
  );
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof AppError ? error.code : error),
  );

describe("Retry now", () => {
  it("brings a retry scheduled for later forward to now, credited to the person who asked", async () => {
    const { id, reference } = await intervention({});
    const later = new Date(Date.now() + 10 * 60_000);
    await db.execute(sql`delete from pgboss.job where singleton_key = ${id}`);
    await db.transaction((tx) => publicationQueue().schedule(tx, { interventionId: id, trigger: "retry", triggeredBy: "token:workforce" }, later));
    await db.update(publications).set({ status: "retrying", nextAttemptAt: later, consecutiveFailures: 3, firstFailureAt: new Date() }).where(eq(publications.interventionId, id));

    const view = await requestPublication(db, reference, operator, deps);
    expect(view).toMatchObject({ status: "queued", next_attempt_at: null, consecutive_failures: 0 });
    const [job, ...others] = await jobs(id);
    expect(others).toHaveLength(0);
    expect(job).toMatchObject({ due: true, data: { trigger: "manual", triggeredBy: "operator@demo.local" } });
  });

  it("is refused (409) only while a worker sends it, or when it is already due now", async () => {
    const sending = await intervention({ status: "in_progress" });
    expect(await refusal(requestPublication(db, sending.reference, operator, deps))).toBe("publication_in_progress");
    const due = await intervention({ status: "queued", nextAttemptAt: null });
    expect(await refusal(requestPublication(db, due.reference, operator, deps))).toBe("publication_in_progress");
  });

  it("refuses a rejected dossier, which cannot be sent again under its reference", async () => {
    const { reference } = await intervention({ status: "needs_review", dossierId: "DOS-REJ-1", dossierStatus: "rejected", rejectionReason: "document_unreachable" });
    expect(await refusal(requestPublication(db, reference, operator, deps))).toBe("forbidden_transition");
  });
});

describe("resolving a rejected dossier", () => {
  it("marks it resolved with the note, closes its alert, audits it and takes it off Needs attention", async () => {
    const { id, reference } = await intervention({ status: "needs_review", dossierId: `DOS-${counter}`, dossierStatus: "rejected", rejectionReason: "document_unreachable" });
    await raiseAlert(db, { kind: "dossier_rejected", groupKey: `dossier_rejected:${id}`, severity: "warning", message: "rejected", interventionId: id });
    expect((await listAttention(db, { kind: "rejected", limit: 500 })).items.map((item) => item.reference)).toContain(reference);

    const view = await resolvePublication(db, reference, operator, "Symphonics support re-downloaded the files by hand");
    expect(view.status).toBe("resolved");
    const [row] = await db.select().from(publications).where(eq(publications.interventionId, id));
    expect(row).toMatchObject({ resolvedBy: "operator@demo.local", resolutionNote: "Symphonics support re-downloaded the files by hand" });
    expect((await db.select().from(alerts).where(eq(alerts.interventionId, id)))[0]!.resolvedAt).not.toBeNull();
    const audit = await db.select().from(auditLog).where(eq(auditLog.interventionId, id));
    expect(audit.map((entry) => entry.action)).toContain("publication.resolved");
    expect((await listAttention(db, { limit: 500 })).items.map((item) => item.reference)).not.toContain(reference);
    // Final: neither a person nor a trigger sends it again.
    expect(await refusal(requestPublication(db, reference, operator, deps))).toBe("already_published");
  });

  it("refuses anything but a rejected dossier", async () => {
    const { reference } = await intervention({ status: "failed" });
    expect(await refusal(resolvePublication(db, reference, operator, "nothing to settle"))).toBe("forbidden_transition");
  });
});

describe("checking the files", () => {
  const server = createServer((request, response) => {
    if (request.url!.includes("missing")) response.writeHead(404).end();
    else if (request.url!.includes("slow")) setTimeout(() => response.writeHead(200).end("late"), 10_000);
    else response.writeHead(200, { "content-type": "application/pdf" }).end("%PDF");
  });
  const base = new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("names each file that does not download, in words", async () => {
    const url = await base;
    const results = await checkLinks(
      [
        { path: "documents/ok.pdf", url: `${url}/files/ok.pdf` },
        { path: "documents/missing.pdf", url: `${url}/files/missing.pdf` },
        { path: "photos/slow.jpg", url: `${url}/files/slow.jpg` },
        { path: "photos/nowhere.jpg", url: "http://127.0.0.1:1/files/nowhere.jpg" },
      ],
      // Long enough for a loaded machine to serve the good file, far shorter than the slow one.
      { timeoutMs: 1_500 },
    );
    expect(results.map((result) => [result.path, result.ok, result.problem])).toEqual([
      ["documents/ok.pdf", true, null],
      ["documents/missing.pdf", false, "The file is missing from storage."],
      ["photos/slow.jpg", false, "The link did not answer within 1.5 s (Symphonics gives up after 10 s)."],
      ["photos/nowhere.jpg", false, "The link could not be reached (connection refused or name unknown)."],
    ]);
  });

  it("checks every document and photo of an intervention through this product's own /files route", async () => {
    const url = await base;
    const { reference } = await intervention({});
    const check = await checkDossierFiles(db, reference, operator, { signUrl: (path) => `https://files.example.fr/files/${path}?expires=1&signature=x`, fetchBase: url });
    expect(check).toMatchObject({ reference, checked: 4, failed: [] });
  });
});

describe("GET …/sync-status", () => {
  it("carries the page's explanation: what holds the publication and when it goes next", async () => {
    const next = new Date(Date.now() + 5 * 60_000);
    const { reference } = await intervention({ status: "retrying", attemptCount: 3, nextAttemptAt: next, firstFailureAt: new Date() });
    const idle = await syncStatusOf(db, reference);
    expect(idle!.explanation).toMatchObject({ code: "no_worker", text: "No worker is running: nothing will be sent until one starts." });

    await db.insert(workerHeartbeats).values({ workerId: `test-${process.pid}`, hostname: "test", pid: process.pid });
    const status = await syncStatusOf(db, reference);
    expect(status!.explanation).toMatchObject({ code: "retry_scheduled", template: "Next automatic attempt at {t0} (attempt 4; retries stop on {t1})." });
    expect(status!.explanation.times.t0).toBe(next.toISOString());
    expect(syncStatusSchema.parse(status)).toMatchObject({ explanation: status!.explanation });
  });
});

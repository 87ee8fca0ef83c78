import { eq, sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publications } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { startPublicationWorker } from "@/jobs/publication-worker";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { config } from "@/lib/config";
import { putIntervention } from "@/lib/interventions/intake";
import { eligibleInput, fastPipelineEnv, ineligibleInput, sampleFileStorage, waitFor } from "@/lib/publication/test-support";
import { startSandbox } from "@/sandbox/server";
import { GET } from "../sync-status/route";
import { POST } from "./route";

Object.assign(process.env, fastPipelineEnv({ FILE_STORAGE_DIR: sampleFileStorage() }));
const sandbox = await startSandbox({ port: 0, rateLimit: false, processingDelayMs: 60_000 });
process.env.SYMPHONICS_BASE_URL = sandbox.url;
const { db } = await useTestDatabase();
afterAll(() => sandbox.close());

let operator: string;
let viewer: string;
beforeAll(async () => {
  operator = (await createApiToken(db, "operations", "operator")).token;
  viewer = (await createApiToken(db, "reporting", "viewer")).token;
});

async function call(handler: typeof POST | typeof GET, method: string, reference: string, token: string | null = operator) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const path = method === "POST" ? "publish" : "sync-status";
  const response = await handler(new Request(`http://localhost/api/interventions/${encodeURIComponent(reference)}/${path}`, { method, headers }), {
    params: Promise.resolve({ reference }),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type"), body: text ? JSON.parse(text) : null };
}
const publish = (reference: string, token?: string | null) => call(POST, "POST", reference, token);
const syncStatus = (reference: string, token?: string | null) => call(GET, "GET", reference, token);

let counter = 0;
const newReference = () => `INT-MAN-${process.pid}-${++counter}`;

/** An eligible intervention whose publication sits idle (its budget spent): nothing queued. */
async function failedPublication(reference = newReference()) {
  const { id } = await putIntervention(db, reference, eligibleInput(), systemPrincipal);
  await db.update(publications).set({ status: "failed", lastErrorCode: "internal_error" }).where(eq(publications.interventionId, id));
  await db.execute(sql`delete from pgboss.job where singleton_key = ${id}`);
  return { id, reference };
}
const jobCount = async (id: string) =>
  (await db.execute<{ n: number }>(sql`select count(*)::int as n from pgboss.job where singleton_key = ${id} and state in ('created', 'retry', 'active')`))[0]!.n;

describe("POST /api/interventions/{reference}/publish", () => {
  it("needs an operator: 401 without credentials, 403 for a viewer", async () => {
    const { reference } = await failedPublication();
    expect((await publish(reference, null)).status).toBe(401);
    const forbidden = await publish(reference, viewer);
    expect(forbidden).toMatchObject({ status: 403, contentType: "application/problem+json" });
  });

  it("answers 404 for an unknown reference and 422 naming the field for a malformed one", async () => {
    expect((await publish("INT-NOBODY")).status).toBe(404);
    const malformed = await publish("bad reference with spaces");
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors[0].field).toBe("reference");
  });

  it("queues a failed publication again (202 with the sync state) with a fresh budget", async () => {
    const { id, reference } = await failedPublication();
    const response = await publish(reference);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ reference, publication: { status: "queued", consecutive_failures: 0 } });
    expect(await jobCount(id)).toBe(1);
    const [job] = await db.execute<{ data: { trigger: string; triggeredBy: string } }>(sql`select data from pgboss.job where singleton_key = ${id}`);
    expect(job!.data).toMatchObject({ trigger: "manual", triggeredBy: "token:operations" });
  });

  it("answers 409 with the current state when already queued", async () => {
    const reference = newReference();
    await putIntervention(db, reference, eligibleInput(), systemPrincipal);
    const response = await publish(reference);
    expect(response).toMatchObject({ status: 409, body: { code: "publication_in_progress", publication: { status: "queued" } } });
  });

  it("answers 422 with field problems when not eligible, or when the data would be refused, and queues nothing", async () => {
    const notEligible = newReference();
    const { id } = await putIntervention(db, notEligible, ineligibleInput(), systemPrincipal);
    const response = await publish(notEligible);
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: "contract_signed_at" })]);
    expect(await jobCount(id)).toBe(0);

    const invalid = await failedPublication();
    await putIntervention(db, invalid.reference, eligibleInput({ photos: [{ file_path: "photos/missing.jpg" }] }), systemPrincipal);
    await db.update(publications).set({ status: "needs_review" }).where(eq(publications.interventionId, invalid.id));
    await db.execute(sql`delete from pgboss.job where singleton_key = ${invalid.id}`);
    const refused = await publish(invalid.reference);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: "photos[0].file_path" })]);
    expect(await jobCount(invalid.id)).toBe(0);
  });

  it("fifty concurrent calls queue one job, and the worker makes one dossier; then 409 already published", async () => {
    const { id, reference } = await failedPublication();
    const responses = await Promise.all(Array.from({ length: 50 }, () => publish(reference)));
    expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(49);
    expect(responses.every((r) => r.status < 500)).toBe(true);
    expect(await jobCount(id)).toBe(1);

    const worker = await startPublicationWorker(config(), pino({ level: "warn" }));
    try {
      await waitFor(async () => (await syncStatus(reference)).body.status === "published", { timeoutMs: 20_000 });
    } finally {
      await worker.stop();
    }
    expect(sandbox.ledger().countsByExternalReference[reference]).toBe(1);
    expect(await publish(reference)).toMatchObject({ status: 409, body: { code: "already_published", publication: { status: "published" } } });
  });
});

describe("GET /api/interventions/{reference}/sync-status", () => {
  it("shows the state, the last error, the recent attempts and webhook events to any role", async () => {
    const { reference } = await failedPublication();
    const response = await syncStatus(reference, viewer);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      reference,
      status: "failed",
      dossier_id: null,
      dossier_status: null,
      attempt_count: 0,
      last_error: { code: "internal_error" },
      next_attempt_at: null,
      published_at: null,
      recent_attempts: [],
      webhook_events: [],
    });
    expect((await syncStatus(reference, null)).status).toBe(401);
    expect((await syncStatus("INT-NOBODY", viewer)).status).toBe(404);
  });
});

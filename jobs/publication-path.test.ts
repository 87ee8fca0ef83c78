import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { PUT } from "@/app/api/interventions/[reference]/route";
import { POST as webhookRoute } from "@/app/api/webhooks/symphonics/route";
import { interventions, publicationAttempts, publications, webhookEvents } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/auth/api-tokens";
import { config } from "@/lib/config";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import { captureLogs } from "@/lib/observability/test-support";
import { startSandbox } from "@/sandbox/server";
import { startPublicationWorker } from "./publication-worker";

/**
 * One intervention goes the whole way, with real parts: the intake API, the worker publishing to
 * the sandbox over HTTP, the sandbox's signed webhooks delivered over HTTP to the webhook route.
 * Every log line of the way is captured and searched for secrets and personal data.
 */
const logs = captureLogs();
const CLIENT_SECRET = "client-secret-that-must-never-be-logged-7Qx";
const WEBHOOK_SECRET = `whsec_${Buffer.from("webhook secret that must never be logged!").toString("base64")}`;
const person = {
  beneficiary_first_name: "Aurélie",
  beneficiary_last_name: "Quintanilla-Brossard",
  beneficiary_email: "aurelie.qb@example.net",
  beneficiary_phone: "06 98 76 54 32",
  address: "41 chemin des Cerisiers",
};

// The webhook route behind a real HTTP listener, as Next.js would serve it.
const webhookServer = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const headers = new Headers(Object.entries(req.headers).flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : [])));
    void webhookRoute(new Request(`http://127.0.0.1${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) }), undefined).then(async (response) => {
      res.writeHead(response.status).end(await response.text());
    });
  });
});
await new Promise<void>((resolve) => webhookServer.listen(0, "127.0.0.1", resolve));
const sandbox = await startSandbox({
  port: 0,
  clients: [{ clientId: "publisher", clientSecret: CLIENT_SECRET }],
  rateLimit: false,
  // Long enough that its webhooks (received, processing, the verdict) arrive in order even on a loaded machine.
  processingDelayMs: 300,
  webhookUrl: `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/api/webhooks/symphonics`,
  webhookSecret: WEBHOOK_SECRET,
});

const storage = await mkdtemp(path.join(tmpdir(), "publication-path-"));
for (const file of ["documents/contract.pdf", "documents/quote.pdf", "photos/outdoor-unit.jpg", "photos/indoor-unit.jpg"]) {
  await mkdir(path.join(storage, path.dirname(file)), { recursive: true });
  await writeFile(path.join(storage, file), "file");
}
Object.assign(process.env, {
  FILE_STORAGE_DIR: storage,
  FILES_PUBLIC_BASE_URL: "https://files.test.invalid",
  SYMPHONICS_BASE_URL: sandbox.url,
  SYMPHONICS_CLIENT_ID: "publisher",
  SYMPHONICS_CLIENT_SECRET: CLIENT_SECRET,
  SYMPHONICS_WEBHOOK_SECRET: WEBHOOK_SECRET,
  WORKER_POLL_SECONDS: "0.5",
  WORKER_SUPERVISE_SECONDS: "1",
});
const { db } = await useTestDatabase();
afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => webhookServer.close(() => resolve()));
});

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe("a publication from intake to Symphonics' verdict", () => {
  const reference = "INT-PATH-1";
  const correlationId = "corr-publication-path-1";
  let apiToken = "";

  it("publishes, and its trigger, job attempt, exchanges and webhooks share one correlation id", async () => {
    apiToken = (await createApiToken(db, "workforce", "operator")).token;
    const response = await PUT(
      new Request(`http://localhost/api/interventions/${reference}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json", "x-correlation-id": correlationId },
        body: JSON.stringify(sampleInterventionInput(person)),
      }),
      { params: Promise.resolve({ reference }) },
    );
    expect(response.status).toBe(201);

    const worker = await startPublicationWorker(config(), logger().child({ process: "worker" }));
    try {
      await until(async () => {
        // The dossier id is kept whatever the webhooks say next (a rejection flags it for review).
        const [row] = await db.select({ dossierId: publications.dossierId }).from(publications).innerJoin(interventions, eq(interventions.id, publications.interventionId)).where(eq(interventions.reference, reference));
        return row?.dossierId ? row : undefined;
      }, "published");
      await until(async () => {
        const events = await db.select().from(webhookEvents).where(eq(webhookEvents.externalReference, reference));
        return events.some((e) => e.status === "accepted" || e.status === "rejected") ? events : undefined;
      }, "the final webhook");
    } finally {
      await worker.stop();
    }

    const attempts = await db.select().from(publicationAttempts);
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => a.correlationId === correlationId)).toBe(true);

    const lines = logs.lines();
    const request = lines.find((l) => l.message === "request" && l.method === "PUT");
    expect(request).toMatchObject({ correlationId, status: 201, path: `/api/interventions/${reference}` });
    expect(lines.find((l) => l.message === "job attempt" && l.result === "published")).toMatchObject({ correlationId, queue: "publish-intervention" });
    expect(lines.filter((l) => l.message === "symphonics exchange" && l.correlationId === correlationId).length).toBe(attempts.length);
    const webhooks = lines.filter((l) => l.message === "symphonics webhook");
    expect(webhooks.length).toBeGreaterThanOrEqual(2);
    expect(webhooks.map((l) => [l.publicationCorrelationId, l.reference])).toEqual(webhooks.map(() => [correlationId, reference]));
  });

  it("refuses a forged webhook, and logs it without the secret", async () => {
    const body = JSON.stringify({ type: "dossier.accepted", data: { externalReference: reference } });
    const response = await webhookRoute(
      new Request("http://localhost/api/webhooks/symphonics", {
        method: "POST",
        headers: { "content-type": "application/json", "webhook-id": "msg_forged", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "v1,Zm9yZ2VkIHNpZ25hdHVyZQ==" },
        body,
      }),
      undefined,
    );
    expect(response.status).toBe(401);
    expect(logs.lines().find((l) => l.message === "symphonics webhook refused")).toBeDefined();
  });

  it("never wrote a secret, a token or the beneficiary's personal data in any log line", () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(1000);
    const forbidden = [...Object.values(person), "Aurélie", "Quintanilla", "aurelie.qb", "06 98 76 54 32", "0698765432", "+33698765432", apiToken, CLIENT_SECRET, WEBHOOK_SECRET, WEBHOOK_SECRET.slice(6)];
    for (const value of forbidden) expect(text, `logs contain ${value}`).not.toContain(value);
    expect(text).not.toMatch(/Bearer (?!\[redacted\])/);
    expect(text).not.toMatch(/"access_token"\s*:\s*"(?!\[redacted\])/);
  });

  it("counts the publication in the metrics, by name and value", async () => {
    const text = await metrics().registry.metrics();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
    expect(text).toContain('symphonics_publication_runs_total{outcome="published"} 1');
    expect(text).toContain('worker_job_attempts_total{queue="publish-intervention",result="completed"} 1');
    expect(value(/symphonics_responses_total\{operation="create_dossier",status="201",code="none"\} (\d+)/)).toBe(1);
    expect(value(/symphonics_attempt_duration_seconds_count\{operation="create_dossier",outcome="success"\} (\d+)/)).toBe(1);
    expect(value(/symphonics_rate_limit_wait_seconds_count (\d+)/)).toBe(1);
    // Published, then accepted, or flagged for review when the sandbox could not download the (fake) files.
    expect(value(/publications\{status="published"\} (\d+)/) + value(/publications\{status="needs_review"\} (\d+)/)).toBe(1);
    expect(text).toContain("publication_jobs_waiting 0");
    const applied = [...text.matchAll(/symphonics_webhook_events_total\{type="([^"]+)",outcome="applied"\} (\d+)/g)];
    expect(applied.length, text.split("\n").filter((l) => l.startsWith("symphonics_webhook_events_total")).join("\n")).toBeGreaterThanOrEqual(2);
    expect(text).toContain('symphonics_webhook_events_total{type="unverified",outcome="rejected_signature"} 1');
    expect(text).toContain("symphonics_webhook_signature_failures_total 1");
    expect(text).toContain('http_requests_total{method="PUT",route="/api/interventions/[reference]",status="201"} 1');
    expect(text).toContain('symphonics_circuit_state{circuit="symphonics",state="closed"} 1');
  });
});

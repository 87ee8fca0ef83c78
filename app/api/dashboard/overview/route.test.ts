import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { alerts, circuitBreakers, interventions, publicationAttempts, publications } from "@/db/schema";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import type { Overview } from "@/lib/dashboard/overview";
import { GET } from "./route";

const { db } = await useTestDatabase();
let token: string;

beforeAll(async () => {
  token = (await createApiToken(db, "viewer", "viewer")).token;
  // Three eligible interventions: each queues a publication job.
  for (const reference of ["OV-1", "OV-2", "OV-3"]) await putIntervention(db, reference, sampleInterventionInput(), systemPrincipal);
  const [first] = await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, "OV-1"));
  await db.update(publications).set({ status: "published", publishedAt: sql`now() - interval '30 minutes'` }).where(eq(publications.interventionId, first!.id));
  const attempt = { interventionId: first!.id, operation: "create_dossier", trigger: "automatic" as const, durationMs: 10 };
  await db.insert(publicationAttempts).values([
    { ...attempt, outcome: "success", httpStatus: 201, startedAt: sql`now() - interval '30 minutes'` },
    { ...attempt, outcome: "rate_limited", httpStatus: 429, startedAt: sql`now() - interval '40 minutes'` },
    { ...attempt, outcome: "retryable", httpStatus: 503, startedAt: sql`now() - interval '50 minutes'` },
    { ...attempt, outcome: "retryable", httpStatus: 503, startedAt: sql`now() - interval '3 days'` },
  ]);
  await db.insert(circuitBreakers).values({ name: "symphonics", state: "open", openedAt: new Date(), consecutiveFailures: 5 });
  await db.insert(alerts).values([
    { kind: "circuit_open", groupKey: "circuit", message: "Symphonics is unreachable" },
    { kind: "old", groupKey: "old", message: "resolved", resolvedAt: new Date() },
  ]);
});

async function get(query = "", auth: string | null = token) {
  const response = await GET(new Request(`http://localhost/api/dashboard/overview${query}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} }), undefined as never);
  return { status: response.status, body: (await response.json()) as Overview & { errors?: { field: string }[] } };
}

describe("GET /api/dashboard/overview", () => {
  it("counts every synchronisation state, zeros included", async () => {
    const { status, body } = await get();
    expect(status).toBe(200);
    expect(body.counts).toEqual({ not_ready: 0, queued: 2, in_progress: 0, retrying: 0, published: 1, needs_review: 0, failed: 0, resolved: 0 });
    expect(body.total).toBe(3);
  });

  it("reports integration health: circuit, queue, last success and last hour's shares", async () => {
    const { body } = await get();
    expect(body.health.circuits).toEqual([expect.objectContaining({ name: "symphonics", state: "open", consecutiveFailures: 5 })]);
    expect(body.health.queue).toMatchObject({ waiting: 3, active: 0 });
    expect(body.health.queue.oldestWaitingSeconds).toBeGreaterThanOrEqual(0);
    expect(body.health.lastSuccessAt).not.toBeNull();
    expect(body.health.lastWebhookAt).toBeNull();
    expect(body.health.lastHour).toEqual({ attempts: 3, rateLimited: 1, errors: 2, rateLimitedShare: 1 / 3, errorShare: 2 / 3 });
    expect(body.alerts.map((a) => a.message)).toEqual(["Symphonics is unreachable"]);
  });

  it("charts publications and failed attempts per hour or per local day", async () => {
    const hourly = (await get()).body.chart;
    expect(hourly.points).toHaveLength(24);
    expect(hourly.points.reduce((sum, p) => sum + p.published, 0)).toBe(1);
    expect(hourly.points.reduce((sum, p) => sum + p.failed, 0)).toBe(2);
    const daily = (await get("?range=14d&tz=Europe/Paris")).body.chart;
    expect(daily.points).toHaveLength(14);
    expect(daily.points.reduce((sum, p) => sum + p.failed, 0)).toBe(3);
  });

  it("answers bad parameters with 422 and a missing login with 401", async () => {
    const bad = await get("?range=1y&tz=Nowhere");
    expect(bad.status).toBe(422);
    expect(bad.body.errors!.map((e) => e.field).sort()).toEqual(["range", "tz"]);
    expect((await get("", null)).status).toBe(401);
  });

  it("refuses a zone PostgreSQL does not know, and starts a day at a numeric offset's own midnight", async () => {
    const unknown = await get("?tz=US/Pacific-New");
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors!.map((e) => e.field)).toEqual(["tz"]);
    // Midnight at +05:30 is 18:30 UTC the day before.
    const daily = await get("?range=14d&tz=%2B05:30");
    expect(daily.status).toBe(200);
    expect(daily.body.chart.points.every((p) => p.bucket!.endsWith("T18:30:00.000Z"))).toBe(true);
    expect((await get("?range=14d&tz=Asia/Kolkata")).body.chart.points.map((p) => p.bucket)).toEqual(daily.body.chart.points.map((p) => p.bucket));
  });
});

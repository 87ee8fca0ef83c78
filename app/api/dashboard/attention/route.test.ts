import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { interventions, publications, type Publication } from "@/db/schema";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import type { AttentionList } from "@/lib/dashboard/attention";
import { GET } from "./route";

const { db } = await useTestDatabase();
let token: string;

async function withPublication(reference: string, publication: Partial<Publication>) {
  await putIntervention(db, reference, sampleInterventionInput({ status: "scheduled" }), systemPrincipal);
  const [row] = await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, reference));
  await db.update(publications).set(publication).where(eq(publications.interventionId, row!.id));
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

beforeAll(async () => {
  token = (await createApiToken(db, "viewer", "viewer")).token;
  await withPublication("AT-FAILED-OLD", { status: "failed", attemptCount: 8, lastErrorMessage: "503 from Symphonics", lastErrorAt: minutesAgo(600), updatedAt: minutesAgo(600) });
  await withPublication("AT-FAILED-NEW", { status: "failed", attemptCount: 8, lastErrorMessage: "timeout", lastErrorAt: minutesAgo(5), updatedAt: minutesAgo(5) });
  await withPublication("AT-REVIEW", { status: "needs_review", problems: [{ field: "beneficiary_phone", message: "is not a phone number" }] });
  await withPublication("AT-REJECTED", { status: "needs_review", dossierStatus: "rejected", rejectionReason: "Photos unreadable" });
  await withPublication("AT-STUCK", { status: "in_progress", updatedAt: minutesAgo(60) });
  await withPublication("AT-BUSY", { status: "in_progress", updatedAt: minutesAgo(1) });
  await withPublication("AT-QUEUED", { status: "queued", queuedAt: minutesAgo(2) });
  await withPublication("AT-DONE", { status: "published" });
});

async function get(query = "", auth: string | null = token) {
  const response = await GET(new Request(`http://localhost/api/dashboard/attention?${query}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} }), undefined as never);
  return { status: response.status, body: (await response.json()) as AttentionList & { errors?: { field: string }[] } };
}

describe("GET /api/dashboard/attention", () => {
  it("lists what needs a person, with the reason in words, and nothing that is on its way", async () => {
    const { body } = await get();
    const byReference = Object.fromEntries(body.items.map((i) => [i.reference, i]));
    expect(Object.keys(byReference).sort()).toEqual(["AT-FAILED-NEW", "AT-FAILED-OLD", "AT-REJECTED", "AT-REVIEW", "AT-STUCK"]);
    expect(byReference["AT-FAILED-OLD"]).toMatchObject({ kind: "failed", reason: "Gave up after 8 attempts: 503 from Symphonics" });
    expect(byReference["AT-REVIEW"]!.reason).toBe("Data to correct: beneficiary_phone is not a phone number");
    expect(byReference["AT-REJECTED"]).toMatchObject({ kind: "rejected", reason: "Symphonics rejected the dossier: Photos unreadable" });
    expect(byReference["AT-STUCK"]!.kind).toBe("stuck");
  });

  it("filters by reason and by failure time, and pages with a cursor", async () => {
    expect((await get("kind=stuck")).body.items.map((i) => i.reference)).toEqual(["AT-STUCK"]);
    const since = minutesAgo(60).toISOString();
    expect((await get(`failedSince=${encodeURIComponent(since)}`)).body.items.map((i) => i.reference)).toEqual(["AT-FAILED-NEW"]);
    const first = await get("limit=2");
    expect(first.body.items).toHaveLength(2);
    const rest = await get(`limit=10&cursor=${first.body.nextCursor}`);
    expect(rest.body.items).toHaveLength(3);
    expect(rest.body.nextCursor).toBeNull();
  });

  it("answers bad parameters with 422 naming the field, and no login with 401", async () => {
    const bad = await get("kind=lost&failedSince=yesterday&limit=9999");
    expect(bad.status).toBe(422);
    expect(bad.body.errors!.map((e) => e.field).sort()).toEqual(["failedSince", "kind", "limit"]);
    expect((await get("cursor=xyz")).status).toBe(422);
    expect((await get("", null)).status).toBe(401);
  });

  it("refuses a forged cursor and a time the database cannot hold, as 422 naming the parameter", async () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const id = "0b7a4a3e-5d1c-4f6e-8a2b-3c4d5e6f7a8b";
    const refusals: [string, string][] = [
      [`cursor=${forged(["not-a-time", id])}`, "cursor"],
      [`cursor=${forged(["2026-11-05 12:00:00.123456+00", "nope"])}`, "cursor"],
      [`cursor=${forged(["9999-01-01T00:00:00Z", id])}`, "cursor"],
      ["failedSince=0000-01-01T00:00:00Z", "failedSince"],
      ["failedSince=2101-01-01T00:00:00Z", "failedSince"],
    ];
    for (const [query, field] of refusals) {
      const response = await get(query);
      expect({ query, status: response.status }).toEqual({ query, status: 422 });
      expect(response.body.errors!.map((e) => e.field)).toEqual([field]);
    }
    expect((await get(`cursor=${forged(["2100-12-31T00:00:00.000000Z", id])}`)).body.items).toHaveLength(5);
  });
});


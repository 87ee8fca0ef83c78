import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { interventions, publicationAttempts, publications, webhookEvents } from "@/db/schema";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { GET } from "./route";

const { db } = await useTestDatabase();
let token: string;

beforeAll(async () => {
  const storage = await mkdtemp(path.join(tmpdir(), "sp-detail-"));
  process.env.FILE_STORAGE_DIR = storage;
  process.env.FILES_PUBLIC_BASE_URL = "https://files.example.fr";
  for (const file of ["documents/contract.pdf", "documents/quote.pdf", "photos/outdoor-unit.jpg", "photos/indoor-unit.jpg"]) {
    await mkdir(path.dirname(path.join(storage, file)), { recursive: true });
    await writeFile(path.join(storage, file), "x");
  }
  token = (await createApiToken(db, "viewer", "viewer")).token;
  await putIntervention(db, "DET-OK", sampleInterventionInput(), systemPrincipal);
  await putIntervention(db, "DET-BAD", sampleInterventionInput({ beneficiary_phone: "12", contract_signed_at: null, status: "in_progress" }), systemPrincipal);
  const [ok] = await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, "DET-OK"));
  await db.update(publications).set({ status: "failed", attemptCount: 2, lastErrorMessage: "503", dossierId: "dos_42" }).where(eq(publications.interventionId, ok!.id));
  await db.insert(publicationAttempts).values([
    { interventionId: ok!.id, operation: "create_dossier", trigger: "automatic", outcome: "retryable", httpStatus: 503, message: "unavailable", durationMs: 80 },
    { interventionId: ok!.id, operation: "create_dossier", trigger: "retry", triggeredBy: "operator@demo.local", outcome: "rate_limited", httpStatus: 429, durationMs: 5 },
  ]);
  await db.insert(webhookEvents).values({ webhookId: "wh_1", type: "dossier.status_changed", dossierId: "dos_42", status: "processing", outcome: "applied" });
});

async function get(reference: string) {
  const response = await GET(new Request(`http://localhost/api/dashboard/interventions/${reference}`, { headers: { authorization: `Bearer ${token}` } }), {
    params: Promise.resolve({ reference }),
  });
  return { status: response.status, body: (await response.json()) as InterventionDetail & { code?: string; errors?: { field: string }[] } };
}

describe("GET /api/dashboard/interventions/{reference}", () => {
  it("shows the intervention, its documents and photos through same-site signed links, the dossier and the history", async () => {
    const { status, body } = await get("DET-OK");
    expect(status).toBe(200);
    expect(body).toMatchObject({ reference: "DET-OK", status: "installation_done", beneficiary: { lastName: "Durand" }, operations: ["BAR-TH-171"] });
    expect(body.documents[0]).toMatchObject({ filePath: "documents/contract.pdf", requiresSignature: true, signedAt: "2026-11-20T15:00:00.000Z" });
    expect(body.documents[0]!.url).toMatch(/^\/files\/documents\/contract\.pdf\?expires=\d+&signature=/);
    expect(body.photos).toMatchObject({ total: 2, thumbnails: [{ filePath: "photos/outdoor-unit.jpg" }, { filePath: "photos/indoor-unit.jpg" }] });
    expect(body.dossier.ok).toBe(true);
    if (body.dossier.ok) expect(JSON.stringify(body.dossier.payload)).toContain("https://files.example.fr/files/photos/outdoor-unit.jpg");
    expect(body.publication).toMatchObject({ status: "failed", dossier_id: "dos_42", attempt_count: 2 });
    expect(body.attempts.map((a) => a.outcome)).toEqual(["rate_limited", "retryable"]);
    expect(body.webhookEvents).toMatchObject([{ type: "dossier.status_changed", status: "processing" }]);
    // The page's one history: the creation, both exchanges (who or what made each) and the notification.
    expect(body.timeline.entries.map((entry) => entry.kind).sort()).toEqual(["attempt", "attempt", "trigger", "webhook"]);
    expect(body.timeline.entries.filter((entry) => entry.kind === "attempt").map((entry) => entry.by)).toEqual(expect.arrayContaining(["Automatic retry", "Automatic"]));
    expect(body.blockers).toEqual([]);
  });

  it("says in words what stops the publication and which fields to correct", async () => {
    const { body } = await get("DET-BAD");
    expect(body.dossier.ok).toBe(false);
    if (!body.dossier.ok) expect(body.dossier.problems.map((p) => p.field)).toContain("beneficiary_phone");
    expect(body.blockers).toEqual(
      expect.arrayContaining([
        "The installation is not done yet (status: in progress).",
        "The beneficiary has not signed the Symphonics contract.",
        "The data has problems to correct first (listed under Validation problems).",
      ]),
    );
  });

  it("answers an unknown reference with 404 and a malformed one with 422 naming the field", async () => {
    expect((await get("DET-NONE")).status).toBe(404);
    const bad = await get("not a reference!");
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ field: "reference", message: expect.any(String) }]);
  });
});

import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { count, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as exportRoute } from "@/app/api/privacy/beneficiaries/[reference]/export/route";
import { POST as eraseRoute } from "@/app/api/privacy/beneficiaries/[reference]/erase/route";
import { auditLog, interventions, publicationAttempts, publications, webhookEvents } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { purgeExpiredDetails } from "./retention";

const storage = await mkdtemp(path.join(tmpdir(), "privacy-files-"));
process.env.FILE_STORAGE_DIR = storage;
const { db } = await useTestDatabase();
let admin: string;
let viewer: string;

const person = {
  beneficiary_first_name: "Ghislaine",
  beneficiary_last_name: "Vandercappellen",
  beneficiary_email: "ghislaine.vdc@example.org",
  beneficiary_phone: "+33 7 81 22 33 44",
  address: "7 impasse des Glycines",
  pdl: "98765432109876",
  pce: "GI998877",
};
const personalValues = Object.values(person);

beforeAll(async () => {
  admin = (await createApiToken(db, "dpo", "admin")).token;
  viewer = (await createApiToken(db, "reporting", "viewer")).token;
  await storeFiles(["documents/shared-quote.pdf"]);
});

async function storeFiles(files: string[]) {
  for (const file of files) {
    await mkdir(path.join(storage, path.dirname(file)), { recursive: true });
    await writeFile(path.join(storage, file), "file");
  }
}

function documentsOf(contract: string) {
  return [
    { file_path: contract, type: "contract" as const, requires_signature: true, signed_at: "2026-11-20T15:00:00Z" },
    { file_path: "documents/shared-quote.pdf", type: "quote" as const, requires_signature: false, signed_at: null },
  ];
}

/** An intervention published to Symphonics, with the kind of history that quotes personal data. */
async function publishedIntervention(reference: string) {
  await storeFiles([`documents/${reference}-contract.pdf`, `photos/${reference}-1.jpg`]);
  const { id } = await putIntervention(db, reference, sampleInterventionInput({ ...person, documents: documentsOf(`documents/${reference}-contract.pdf`), photos: [{ file_path: `photos/${reference}-1.jpg` }] }), systemPrincipal);
  await db.update(publications).set({ status: "published", dossierId: `DOS-${reference}`, dossierStatus: "accepted", publishedAt: new Date(), lastErrorMessage: `Symphonics refused customer.phone: ${person.beneficiary_phone}` }).where(eq(publications.interventionId, id));
  await db.update(interventions).set({ status: "published" }).where(eq(interventions.id, id));
  await db.insert(publicationAttempts).values([
    { interventionId: id, operation: "create_dossier", trigger: "automatic", outcome: "rejected", httpStatus: 422, problemCode: "validation_failed", durationMs: 30, message: `customer.lastName ${person.beneficiary_last_name} refused`, responseExcerpt: JSON.stringify({ customer: { email: person.beneficiary_email } }) },
    { interventionId: id, operation: "create_dossier", trigger: "manual", outcome: "success", httpStatus: 201, durationMs: 42, responseExcerpt: JSON.stringify({ id: `DOS-${reference}`, address: person.address }) },
  ]);
  await db.insert(webhookEvents).values({ webhookId: `msg_${reference}`, type: "dossier.status_changed", dossierId: `DOS-${reference}`, externalReference: reference, status: "accepted", outcome: "applied", payload: { customer: { firstName: person.beneficiary_first_name } } });
  await db.insert(auditLog).values({ actorType: "system", actorLabel: "system", action: "publication.needs_review", interventionId: id, details: { code: "rejected", problems: [{ field: "beneficiary_phone", message: person.beneficiary_phone }] } });
  return id;
}

const request = (handler: typeof exportRoute, method: string, reference: string, token: string | null) =>
  handler(new Request(`http://localhost/api/privacy/beneficiaries/${reference}/${method === "GET" ? "export" : "erase"}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} }), {
    params: Promise.resolve({ reference }),
  });

/** Every row of every table of the product, as text. */
async function wholeDatabaseText(): Promise<string> {
  const tables = await db.execute<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const parts = await Promise.all(tables.map((t) => db.execute<{ row: string }>(sql`select t::text as row from ${sql.identifier(t.table_name)} t`)));
  return parts.flat().map((r) => r.row).join("\n");
}

describe("export of a beneficiary's personal data", () => {
  it("gives an admin everything held about the person, and records who exported it", async () => {
    await publishedIntervention("INT-EXPORT-1");
    const response = await request(exportRoute, "GET", "INT-EXPORT-1", admin);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("beneficiary-INT-EXPORT-1.json");
    const body = await response.json();
    expect(body.beneficiary).toMatchObject({ first_name: "Ghislaine", last_name: "Vandercappellen", email: person.beneficiary_email, phone: person.beneficiary_phone, erased_at: null });
    expect(body.interventions).toEqual([
      expect.objectContaining({ reference: "INT-EXPORT-1", address: person.address, pdl: person.pdl, pce: person.pce, photos: [{ file_path: "photos/INT-EXPORT-1-1.jpg" }], publication: expect.objectContaining({ status: "published", dossier_id: "DOS-INT-EXPORT-1" }) }),
    ]);
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, "beneficiary.exported"));
    expect(audit).toMatchObject({ actorLabel: "token:dpo" });
    expect(JSON.stringify(audit!.details)).not.toContain("Ghislaine");
  });

  it("answers 401 without a token, 403 for a non-admin, 404 for an unknown reference, 422 for a malformed one", async () => {
    expect((await request(exportRoute, "GET", "INT-EXPORT-1", null)).status).toBe(401);
    expect((await request(exportRoute, "GET", "INT-EXPORT-1", viewer)).status).toBe(403);
    const unknown = await request(exportRoute, "GET", "INT-NOPE", admin);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    expect((await request(exportRoute, "GET", "bad reference!", admin)).status).toBe(422);
  });
});

describe("erasure of a beneficiary's personal data", () => {
  it("refuses (409) while a publication is underway, and changes nothing", async () => {
    await putIntervention(db, "INT-QUEUED-1", sampleInterventionInput({ beneficiary_last_name: "Queued" }), systemPrincipal);
    const response = await request(eraseRoute, "POST", "INT-QUEUED-1", admin);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: "publication_underway", references: ["INT-QUEUED-1"] });
    expect(await wholeDatabaseText()).toContain("Queued");
  });

  it("removes the personal data from every table and the person's files, and keeps the publication history", async () => {
    const id = await publishedIntervention("INT-ERASE-1");
    // Another person's intervention shares the quote file: it must survive.
    await putIntervention(db, "INT-OTHER-1", sampleInterventionInput({ status: "scheduled", documents: documentsOf("documents/other-contract.pdf") }), systemPrincipal);
    const before = {
      attempts: (await db.select({ n: count() }).from(publicationAttempts).where(eq(publicationAttempts.interventionId, id)))[0]!.n,
      events: (await db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.externalReference, "INT-ERASE-1")))[0]!.n,
    };
    expect(await wholeDatabaseText()).toContain("Vandercappellen");

    const response = await request(eraseRoute, "POST", "INT-ERASE-1", admin);
    expect(response.status).toBe(200);
    const body = await response.json();
    // INT-EXPORT-1 belongs to another beneficiary record with the same name: untouched by this erasure.
    expect(body).toMatchObject({ interventions: ["INT-ERASE-1"], files_deleted: 2 });

    const text = await wholeDatabaseText();
    const [{ beneficiaryId }] = (await db.select({ beneficiaryId: interventions.beneficiaryId }).from(interventions).where(eq(interventions.id, id))) as [{ beneficiaryId: string }];
    const remaining = text.split("\n").filter((row) => row.includes(id) || row.includes("INT-ERASE-1") || row.includes(beneficiaryId));
    expect(remaining.find((row) => row.startsWith(`(${beneficiaryId},`))).toContain("[erased]");
    for (const value of personalValues) expect(remaining.join("\n")).not.toContain(value);
    expect(await readdir(path.join(storage, "documents"))).toEqual(expect.arrayContaining(["shared-quote.pdf", "INT-EXPORT-1-contract.pdf"]));
    expect(await readdir(path.join(storage, "documents"))).not.toContain("INT-ERASE-1-contract.pdf");
    expect(await readdir(path.join(storage, "photos"))).not.toContain("INT-ERASE-1-1.jpg");

    const [publication] = await db.select().from(publications).where(eq(publications.interventionId, id));
    expect(publication).toMatchObject({ status: "published", dossierId: "DOS-INT-ERASE-1", dossierStatus: "accepted" });
    expect((await db.select({ n: count() }).from(publicationAttempts).where(eq(publicationAttempts.interventionId, id)))[0]!.n).toBe(before.attempts);
    expect((await db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.externalReference, "INT-ERASE-1")))[0]!.n).toBe(before.events);
    const attempts = await db.select().from(publicationAttempts).where(eq(publicationAttempts.interventionId, id)).orderBy(publicationAttempts.id);
    expect(attempts.map((a) => [a.operation, a.httpStatus, a.problemCode, a.durationMs])).toEqual([["create_dossier", 422, "validation_failed", 30], ["create_dossier", 201, null, 42]]);
    const [erasure] = await db.select().from(auditLog).where(eq(auditLog.action, "beneficiary.erased"));
    expect(erasure).toMatchObject({ actorLabel: "token:dpo", interventionId: id });

    // Erasing again changes nothing and still answers.
    const again = await request(eraseRoute, "POST", "INT-ERASE-1", admin);
    expect(again.status).toBe(200);
    expect((await again.json()).erased_at).toBe(body.erased_at);
  });

  it("cancels an intervention that was not published, since it can no longer be", async () => {
    await putIntervention(db, "INT-ERASE-2", sampleInterventionInput({ status: "in_progress", documents: [], photos: [] }), systemPrincipal);
    expect((await request(eraseRoute, "POST", "INT-ERASE-2", admin)).status).toBe(200);
    const [row] = await db.select().from(interventions).where(eq(interventions.reference, "INT-ERASE-2"));
    expect(row).toMatchObject({ status: "cancelled", address: "[erased]", pdl: "[erased]", pce: null, searchText: "int-erase-2   lyon" });
    // The publication's copy of the search text held the name too.
    const [copy] = await db.select({ searchText: publications.searchText }).from(publications).where(eq(publications.interventionId, row!.id));
    expect(copy!.searchText).toBe("int-erase-2   lyon");
  });

  it("is for admins only", async () => {
    expect((await request(eraseRoute, "POST", "INT-EXPORT-1", viewer)).status).toBe(403);
    expect((await request(eraseRoute, "POST", "INT-EXPORT-1", null)).status).toBe(401);
  });
});

describe("retention", () => {
  it("purges stored responses, messages and webhook payloads older than the period, and keeps the rows", async () => {
    const id = await publishedIntervention("INT-RETAIN-1");
    await db.update(publicationAttempts).set({ startedAt: sql`now() - interval '100 days'` }).where(eq(publicationAttempts.outcome, "rejected"));
    await db.update(webhookEvents).set({ receivedAt: sql`now() - interval '100 days'` }).where(eq(webhookEvents.externalReference, "INT-RETAIN-1"));
    await db.insert(auditLog).values([
      { actorType: "system", actorLabel: "system", action: "webhook.signature_rejected", at: sql`now() - interval '100 days'` },
      { actorType: "system", actorLabel: "system", action: "webhook.signature_rejected" },
    ]);

    const purged = await purgeExpiredDetails(db, 90);
    expect(purged.attempts).toBeGreaterThanOrEqual(1);
    expect(purged.webhookEvents).toBe(1);
    expect(purged.signatureFailures).toBe(1);
    const attempts = await db.select().from(publicationAttempts).where(eq(publicationAttempts.interventionId, id)).orderBy(publicationAttempts.id);
    expect(attempts.map((a) => [a.httpStatus, a.message, a.responseExcerpt === null])).toEqual([
      [422, null, true],
      [201, null, false],
    ]);
    const [event] = await db.select().from(webhookEvents).where(eq(webhookEvents.externalReference, "INT-RETAIN-1"));
    expect(event).toMatchObject({ payload: null, status: "accepted", outcome: "applied" });
    expect((await db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, "webhook.signature_rejected")))[0]!.n).toBe(1);
    expect(await purgeExpiredDetails(db, 90)).toEqual({ attempts: 0, webhookEvents: 0, signatureFailures: 0 });
  });
});

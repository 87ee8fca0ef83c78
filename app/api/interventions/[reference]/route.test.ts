import { count, eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { auditLog, interventionPhotos, interventions, publicationAttempts, publications } from "@/db/schema";
import { createApiToken } from "@/lib/auth/api-tokens";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { GET, PATCH, PUT } from "./route";

const database = await useTestDatabase();
const { db } = database;
let operator: string;
let viewer: string;

beforeAll(async () => {
  operator = (await createApiToken(db, "workforce", "operator")).token;
  viewer = (await createApiToken(db, "reporting", "viewer")).token;
});

type Method = typeof GET;
interface CallOptions {
  token?: string | null;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

async function call(handler: Method, method: string, reference: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? operator : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.raw !== undefined || options.body !== undefined) {
    body = options.raw ?? JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await handler(new Request(`http://localhost/api/interventions/${encodeURIComponent(reference)}`, { method, headers, body }), {
    params: Promise.resolve({ reference }),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type"), etag: response.headers.get("etag"), body: text ? JSON.parse(text) : null };
}

const put = (reference: string, options: CallOptions) => call(PUT, "PUT", reference, options);
const patch = (reference: string, options: CallOptions) => call(PATCH, "PATCH", reference, options);
const get = (reference: string, options: CallOptions = {}) => call(GET, "GET", reference, options);

let counter = 0;
const newReference = () => `INT-TEST-${++counter}-${Date.now()}`;

async function snapshot() {
  const tables = [interventions, publications, interventionPhotos, auditLog, publicationAttempts];
  const counts = await Promise.all(tables.map((t) => db.select({ n: count() }).from(t)));
  const versions = await db.select({ r: interventions.reference, v: interventions.version, s: interventions.status }).from(interventions).orderBy(interventions.reference);
  const [jobs] = await db.execute<{ n: number }>(sql`select count(*)::int as n from pgboss.job`);
  return JSON.stringify({ counts: counts.map((c) => c[0]!.n), versions, jobs: jobs!.n });
}

async function publicationJobs(reference: string): Promise<number> {
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from pgboss.job j join interventions i on j.singleton_key = i.id::text where i.reference = ${reference}`,
  );
  return row!.n;
}

describe("PUT /api/interventions/{reference}", () => {
  it("creates an intervention (201) and returns it in the workforce app's field names", async () => {
    const reference = newReference();
    const response = await put(reference, { body: sampleInterventionInput({ status: "scheduled" }) });
    expect(response.status).toBe(201);
    expect(response.etag).toBe('"1"');
    expect(response.body).toMatchObject({
      reference,
      version: 1,
      beneficiary_last_name: "Durand",
      pce: "GI123456",
      operations: [{ code: "BAR-TH-171" }],
      documents: [{ file_path: "documents/contract.pdf", requires_signature: true, signed_at: "2026-11-20T15:00:00.000Z" }, { file_path: "documents/quote.pdf" }],
      photos: [{ file_path: "photos/outdoor-unit.jpg" }, { file_path: "photos/indoor-unit.jpg" }],
      status: "scheduled",
      publication: { status: "not_ready", dossier_id: null },
    });
    expect((await get(reference)).body).toEqual(response.body);
  });

  it("records an intervention the field team has not completed yet (201): missing contact and installation values are null", async () => {
    const reference = newReference();
    const body: Record<string, unknown> = { ...sampleInterventionInput(), beneficiary_phone: null, address: null, pdl: null };
    for (const field of ["beneficiary_email", "postal_code", "city", "operations", "products", "documents", "photos"]) delete body[field];
    const response = await put(reference, { body });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      reference,
      beneficiary_last_name: "Durand",
      beneficiary_email: null,
      beneficiary_phone: null,
      address: null,
      postal_code: null,
      city: null,
      pdl: null,
      operations: [],
      products: [],
      documents: [],
      photos: [],
      // Complete or not, it is due for publication, where the mapping says what is missing.
      publication: { status: "queued" },
    });
    expect((await get(reference)).body).toEqual(response.body);
    // A value given must still be a real one.
    expect((await put(reference, { body: { ...body, beneficiary_email: "" } })).status).toBe(422);
  });

  it("replaces the whole intervention (200), bumps the version and keeps no stale children", async () => {
    const reference = newReference();
    await put(reference, { body: sampleInterventionInput({ status: "scheduled" }) });
    const response = await put(reference, { body: sampleInterventionInput({ status: "scheduled", photos: [{ file_path: "photos/only.jpg" }], city: "Villeurbanne" }) });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ version: 2, city: "Villeurbanne", photos: [{ file_path: "photos/only.jpg" }] });
  });

  it("enqueues exactly one publication job when the data makes it eligible, in the same transaction", async () => {
    const reference = newReference();
    const response = await put(reference, { body: sampleInterventionInput() });
    expect(response.body.publication.status).toBe("queued");
    expect(await publicationJobs(reference)).toBe(1);
    // Further triggers while it waits add nothing.
    await put(reference, { body: sampleInterventionInput() });
    await patch(reference, { body: { contract_signed_at: "2026-11-21T10:00:00Z" } });
    expect(await publicationJobs(reference)).toBe(1);
  });

  it("does not enqueue an intervention whose contract or required signature is missing", async () => {
    const noContract = newReference();
    await put(noContract, { body: sampleInterventionInput({ contract_signed_at: null }) });
    const unsigned = newReference();
    const documents = [{ file_path: "documents/contract.pdf", type: "contract" as const, requires_signature: true, signed_at: null }];
    await put(unsigned, { body: sampleInterventionInput({ documents }) });
    expect(await publicationJobs(noContract)).toBe(0);
    expect(await publicationJobs(unsigned)).toBe(0);
    expect((await get(unsigned)).body.publication.status).toBe("not_ready");
  });

  it("refuses to set published, which only the publisher does (409), and writes nothing", async () => {
    const reference = newReference();
    const before = await snapshot();
    const response = await put(reference, { body: { ...sampleInterventionInput(), status: "published" } });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: "forbidden_transition", detail: expect.stringContaining("publisher") });
    expect(await snapshot()).toBe(before);
    await put(reference, { body: sampleInterventionInput() });
    const after = await snapshot();
    const forbidden = await patch(reference, { body: { status: "published" } });
    expect(forbidden.status).toBe(409);
    expect(await snapshot()).toBe(after);
  });

  it("refuses a jump from scheduled to installation_done (409 forbidden_transition)", async () => {
    const reference = newReference();
    await put(reference, { body: sampleInterventionInput({ status: "scheduled" }) });
    const before = await snapshot();
    const viaPut = await put(reference, { body: sampleInterventionInput({ status: "installation_done" }) });
    const viaPatch = await patch(reference, { body: { status: "installation_done" } });
    for (const response of [viaPut, viaPatch]) {
      expect(response.status).toBe(409);
      expect(response.contentType).toBe("application/problem+json");
      expect(response.body).toMatchObject({ status: 409, code: "forbidden_transition" });
    }
    expect(await snapshot()).toBe(before);
  });

  it("walks the workflow scheduled → in_progress → installation_done and enqueues at the end", async () => {
    const reference = newReference();
    await put(reference, { body: sampleInterventionInput({ status: "scheduled" }) });
    expect((await patch(reference, { body: { status: "in_progress" } })).status).toBe(200);
    expect(await publicationJobs(reference)).toBe(0);
    const done = await patch(reference, { body: { status: "installation_done" } });
    expect(done.body).toMatchObject({ status: "installation_done", version: 3, publication: { status: "queued" } });
    expect(done.body.completed_at).not.toBeNull();
    expect(await publicationJobs(reference)).toBe(1);
  });

  it("keeps cancelled final", async () => {
    const reference = newReference();
    await put(reference, { body: sampleInterventionInput({ status: "scheduled" }) });
    expect((await patch(reference, { body: { status: "cancelled" } })).status).toBe(200);
    const before = await snapshot();
    expect((await patch(reference, { body: { status: "in_progress" } })).status).toBe(409);
    expect((await put(reference, { body: sampleInterventionInput({ status: "scheduled" }) })).status).toBe(409);
    expect((await patch(reference, { body: { contract_signed_at: "2026-11-21T10:00:00Z" } })).status).toBe(409);
    expect(await snapshot()).toBe(before);
  });

  it("keeps a published intervention published, with its publication history, when replaced", async () => {
    const reference = newReference();
    await put(reference, { body: sampleInterventionInput() });
    const [row] = await db.select().from(interventions).where(eq(interventions.reference, reference));
    // What the publisher does on success (issue: publication pipeline).
    await db.update(interventions).set({ status: "published" }).where(eq(interventions.id, row!.id));
    await db.update(publications).set({ status: "published", dossierId: `dos_${reference}`, publishedAt: new Date() }).where(eq(publications.interventionId, row!.id));
    await db.insert(publicationAttempts).values({ interventionId: row!.id, operation: "create_dossier", trigger: "automatic", outcome: "success", httpStatus: 201, durationMs: 12 });

    const replaced = await put(reference, { body: sampleInterventionInput({ city: "Lyon 3e" }) });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ status: "published", city: "Lyon 3e", publication: { status: "published", dossier_id: `dos_${reference}` } });
    const attempts = await db.select().from(publicationAttempts).where(eq(publicationAttempts.interventionId, row!.id));
    expect(attempts).toHaveLength(1);
    // Going back in the workflow after publication is refused.
    expect((await put(reference, { body: sampleInterventionInput({ status: "in_progress" }) })).status).toBe(409);
  });

  it("answers 409 version_conflict on a stale If-Match and applies a fresh one", async () => {
    const reference = newReference();
    await put(reference, { body: sampleInterventionInput({ status: "scheduled" }) });
    await patch(reference, { body: { status: "in_progress" } });
    const before = await snapshot();
    const stale = await patch(reference, { body: { status: "scheduled" }, headers: { "if-match": '"1"' } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: "version_conflict", currentVersion: 2 });
    expect(await snapshot()).toBe(before);
    expect((await put(reference, { body: sampleInterventionInput({ status: "in_progress" }), headers: { "if-match": '"2"' } })).status).toBe(200);
    expect((await patch(reference, { body: { status: "x" }, headers: { "if-match": "nonsense" } })).status).toBe(400);
  });
});

describe("PATCH /api/interventions/{reference}", () => {
  it("records the last document signature and thereby enqueues the publication", async () => {
    const reference = newReference();
    const documents = [
      { file_path: "documents/contract.pdf", type: "contract" as const, requires_signature: true, signed_at: null },
      { file_path: "documents/certificate.pdf", type: "certificate" as const, requires_signature: true, signed_at: null },
    ];
    await put(reference, { body: sampleInterventionInput({ documents }) });
    await patch(reference, { body: { documents: [{ file_path: "documents/contract.pdf", signed_at: "2026-11-21T09:00:00Z" }] } });
    expect(await publicationJobs(reference)).toBe(0);
    const last = await patch(reference, { body: { documents: [{ file_path: "documents/certificate.pdf", signed_at: "2026-11-21T09:05:00Z" }] } });
    expect(last.body.documents.every((d: { signed_at: string | null }) => d.signed_at)).toBe(true);
    expect(await publicationJobs(reference)).toBe(1);
  });

  it("records the contract signature", async () => {
    const reference = newReference();
    await put(reference, { body: sampleInterventionInput({ contract_signed_at: null }) });
    const response = await patch(reference, { body: { contract_signed_at: "2026-11-21T11:00:00+01:00" } });
    expect(response.body).toMatchObject({ contract_signed_at: "2026-11-21T10:00:00.000Z", publication: { status: "queued" } });
  });

  it("names an unknown document (422) and changes nothing", async () => {
    const reference = newReference();
    await put(reference, { body: sampleInterventionInput({ status: "scheduled" }) });
    const before = await snapshot();
    const response = await patch(reference, { body: { status: "in_progress", documents: [{ file_path: "documents/nope.pdf", signed_at: "2026-11-21T09:00:00Z" }] } });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ field: "documents[0].file_path", message: expect.stringContaining("documents/nope.pdf") }]);
    expect(await snapshot()).toBe(before);
  });

  it("answers 404 for an unknown reference", async () => {
    const response = await patch("INT-UNKNOWN", { body: { status: "in_progress" } });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe("not_found");
    expect((await get("INT-UNKNOWN")).status).toBe(404);
  });
});

describe("errors", () => {
  it("401 without a token or with a wrong one, 403 for a viewer writing; viewers may read", async () => {
    const reference = newReference();
    await put(reference, { body: sampleInterventionInput({ status: "scheduled" }) });
    const before = await snapshot();
    for (const token of [null, "sp_wrong", "not-even-a-token"]) {
      const response = await put(reference, { token, body: sampleInterventionInput() });
      expect(response.status).toBe(401);
      expect(response.contentType).toBe("application/problem+json");
      expect((await get(reference, { token })).status).toBe(401);
    }
    const malformedHeader = await call(GET, "GET", reference, { token: null, headers: { authorization: "Basic abc" } });
    expect(malformedHeader.status).toBe(401);
    const forbidden = await put(reference, { token: viewer, body: sampleInterventionInput() });
    expect(forbidden.status).toBe(403);
    expect((await patch(reference, { token: viewer, body: { status: "in_progress" } })).status).toBe(403);
    expect(await snapshot()).toBe(before);
    expect((await get(reference, { token: viewer })).status).toBe(200);
  });

  it("400 on malformed JSON, 415 on a non-JSON content type", async () => {
    const reference = newReference();
    const malformed = await put(reference, { raw: '{"beneficiary_first_name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("malformed_request");
    const text = await put(reference, { raw: "hello", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    expect((await get(reference)).status).toBe(404);
  });

  it("413 on a body over 1 MiB, before reading it all", async () => {
    const reference = newReference();
    const photos = Array.from({ length: 4000 }, (_, i) => ({ file_path: `photos/${"x".repeat(300)}-${i}.jpg` }));
    const response = await put(reference, { body: sampleInterventionInput({ photos }) });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe("payload_too_large");
    expect((await get(reference)).status).toBe(404);
  });

  it("422 names each invalid field in the workforce app's names", async () => {
    const reference = newReference();
    const body = {
      ...sampleInterventionInput(),
      beneficiary_first_name: "   ",
      documents: [{ file_path: "../../etc/passwd", type: "contract", requires_signature: "yes", signed_at: "yesterday" }],
      photos: [{ file_path: "/abs.jpg" }],
      unexpected: 1,
    };
    const response = await put(reference, { body });
    expect(response.status).toBe(422);
    const fields = response.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(
      ["(body)", "beneficiary_first_name", "documents[0].file_path", "documents[0].requires_signature", "documents[0].signed_at", "photos[0].file_path"].sort(),
    );
    expect((await put("bad reference!", { body: sampleInterventionInput() })).body.errors[0].field).toBe("reference");
  });

  it("property: random malformed bodies never produce a 5xx and never change stored data", async () => {
    const reference = newReference();
    // Cancelled, so that a mutation which happens to be valid is still refused (409).
    await put(reference, { body: sampleInterventionInput({ status: "cancelled" }) });
    const before = await snapshot();
    const valid = sampleInterventionInput();
    const key = fc.constantFrom(...Object.keys(valid), "documents", "photos", "status", "extra");
    const mutatedBody = fc.oneof(
      fc.anything(),
      fc.record({ k: key, v: fc.anything() }).map(({ k, v }) => ({ ...valid, [k]: v, status: "scheduled" })),
      fc.record({ k: key }).map(({ k }) => {
        const copy: Record<string, unknown> = { ...valid };
        delete copy[k];
        return copy;
      }),
    );
    await fc.assert(
      fc.asyncProperty(mutatedBody, fc.constantFrom("PUT", "PATCH"), async (body, method) => {
        const response = method === "PUT" ? await put(reference, { body }) : await patch(reference, { body });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.contentType).toBe("application/problem+json");
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
        const response = await put(reference, { raw });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
    expect(await snapshot()).toBe(before);
  });
});

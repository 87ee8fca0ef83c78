// §3.1 responses, §3.2 photos, §3.3 and §3.4 lookups.
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "./server";
import { get, post, sandbox, token, validDossier, type ProblemBody } from "./test-support";

let sb: RunningSandbox;
let bearer: string;

beforeAll(async () => {
  sb = await sandbox({ rateLimit: false, processingDelayMs: 60_000 });
  bearer = await token(sb);
});

interface Created {
  id: string;
  externalReference: string;
  status: string;
  photoCount: number;
  createdAt: string;
}

async function create(overrides: Record<string, unknown> = {}): Promise<Created> {
  const response = await post(sb, "/v1/dossiers", validDossier(overrides), { token: bearer });
  expect(response.status).toBe(201);
  return (await response.json()) as Created;
}

const photoUrls = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ url: `https://files.example.fr/p/${from + i}` }));

describe("POST /v1/dossiers", () => {
  it("answers 201 with Location and the dossier summary", async () => {
    const body = validDossier({ photos: photoUrls(0, 3) });
    const response = await post(sb, "/v1/dossiers", body, { token: bearer });
    expect(response.status).toBe(201);
    const created = (await response.json()) as Created;
    expect(created).toEqual({
      id: expect.stringMatching(/^dos_[A-Za-z0-9]+$/),
      externalReference: body.externalReference,
      status: "received",
      photoCount: 3,
      createdAt: expect.any(String),
    });
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    expect(response.headers.get("location")).toBe(`/v1/dossiers/${created.id}`);
  });

  it("counts a photo URL given twice once", async () => {
    const created = await create({ photos: [...photoUrls(0, 2), ...photoUrls(0, 2)] });
    expect(created.photoCount).toBe(2);
  });

  it("answers 409 dossier_exists with dossierId for a known externalReference", async () => {
    const first = await create();
    const response = await post(sb, "/v1/dossiers", validDossier({ externalReference: first.externalReference }), { token: bearer });
    expect(response.status).toBe(409);
    const problem = (await response.json()) as ProblemBody;
    expect(problem).toMatchObject({ code: "dossier_exists", dossierId: first.id, status: 409 });
    expect(sb.ledger().countsByExternalReference[first.externalReference]).toBe(1);
  });
});

describe("POST /v1/dossiers/{id}/photos", () => {
  it("adds photos, without adding a URL the dossier already has", async () => {
    const created = await create({ photos: photoUrls(0, 2) });
    const response = await post(sb, `/v1/dossiers/${created.id}/photos`, { photos: [...photoUrls(1, 3), ...photoUrls(3, 1)] }, { token: bearer });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ id: created.id, photoCount: 4 });
    const dossier = sb.ledger().dossiers.find((d) => d.id === created.id);
    expect(dossier?.photoUrls).toEqual(photoUrls(0, 4).map((p) => p.url));
  });

  it("holds at most 2,000 photos (422 beyond), an already known URL still being fine", async () => {
    const created = await create({ photos: photoUrls(0, 50) });
    for (let from = 50; from < 2000; from += 50) {
      const response = await post(sb, `/v1/dossiers/${created.id}/photos`, { photos: photoUrls(from, 50) }, { token: bearer });
      expect(response.status).toBe(201);
    }
    const full = await post(sb, `/v1/dossiers/${created.id}/photos`, { photos: photoUrls(2000, 1) }, { token: bearer });
    expect(full.status).toBe(422);
    expect(await full.json()).toMatchObject({ code: "validation_failed", errors: [{ field: "photos", code: "too_many" }] });
    const known = await post(sb, `/v1/dossiers/${created.id}/photos`, { photos: photoUrls(1990, 10) }, { token: bearer });
    expect(await known.json()).toEqual({ id: created.id, photoCount: 2000 });
  });

  it("answers 404 not_found for an unknown dossier", async () => {
    const response = await post(sb, "/v1/dossiers/dos_unknown/photos", { photos: photoUrls(0, 1) }, { token: bearer });
    expect(response.status).toBe(404);
    expect(((await response.json()) as ProblemBody).code).toBe("not_found");
  });
});

describe("GET /v1/dossiers/{id} and ?externalReference=", () => {
  it("shows a dossier as in §3.3", async () => {
    const created = await create({ photos: photoUrls(0, 2) });
    const response = await get(sb, `/v1/dossiers/${created.id}`, bearer);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: created.id,
      externalReference: created.externalReference,
      status: "received",
      photoCount: 2,
      documentCount: 1,
      createdAt: created.createdAt,
      updatedAt: expect.any(String),
    });
  });

  it("answers 404 not_found for an unknown id", async () => {
    const response = await get(sb, "/v1/dossiers/dos_unknown", bearer);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("finds a dossier by externalReference, and answers an empty list when none exists", async () => {
    const created = await create();
    const found = await get(sb, `/v1/dossiers?externalReference=${created.externalReference}`, bearer);
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ data: [expect.objectContaining({ id: created.id, externalReference: created.externalReference })] });
    const none = await get(sb, "/v1/dossiers?externalReference=NOT-THERE", bearer);
    expect(await none.json()).toEqual({ data: [] });
  });

  it.each([
    ["no parameter", "", "required"],
    ["an invalid reference", "?externalReference=a%20b", "invalid_format"],
    ["a repeated parameter", "?externalReference=A&externalReference=B", "invalid_format"],
  ])("answers 422 for %s", async (_name, query, code) => {
    const response = await get(sb, `/v1/dossiers${query}`, bearer);
    expect(response.status).toBe(422);
    expect(((await response.json()) as ProblemBody).errors).toEqual([expect.objectContaining({ field: "externalReference", code })]);
  });

  it("keeps each client's dossiers to itself", async () => {
    const other = await sandbox({
      rateLimit: false,
      processingDelayMs: 60_000,
      clients: [
        { clientId: "a", clientSecret: "sa" },
        { clientId: "b", clientSecret: "sb" },
      ],
    });
    const tokenFor = async (id: string, secret: string) => {
      const response = await fetch(`${other.url}/oauth/token`, {
        method: "POST",
        headers: { Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials&scope=dossiers:write%20dossiers:read",
      });
      return ((await response.json()) as { access_token: string }).access_token;
    };
    const [a, b] = [await tokenFor("a", "sa"), await tokenFor("b", "sb")];
    const body = validDossier();
    const created = (await (await post(other, "/v1/dossiers", body, { token: a })).json()) as Created;
    expect((await get(other, `/v1/dossiers/${created.id}`, b)).status).toBe(404);
    expect(await (await get(other, `/v1/dossiers?externalReference=${created.externalReference}`, b)).json()).toEqual({ data: [] });
    expect((await post(other, "/v1/dossiers", body, { token: b })).status).toBe(201);
  });
});

describe("routing", () => {
  it("answers 405 with Allow for an unsupported method, 404 for an unknown path", async () => {
    const put = await fetch(`${sb.url}/v1/dossiers`, { method: "PUT", headers: { Authorization: `Bearer ${bearer}` } });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST");
    expect((await get(sb, "/v1/dossiers/dos_x/documents", bearer)).status).toBe(404);
  });
});

// §3.1 and §3.2 field rules, each accepted or refused as written (table-driven, over HTTP).
import { beforeAll, describe, expect, it } from "vitest";
import { post, sandbox, token, validDossier, type ProblemBody } from "./test-support";
import type { RunningSandbox } from "./server";

let sb: RunningSandbox;
let bearer: string;

beforeAll(async () => {
  // A long processing delay: nothing is downloaded from the example URLs during these tests.
  sb = await sandbox({ rateLimit: false, processingDelayMs: 60_000 });
  bearer = await token(sb);
});

/** Sets (or, with undefined, deletes) a dotted path such as "documents[0].url". */
function withField(path: string, value: unknown, base = validDossier()): Record<string, unknown> {
  const body = structuredClone(base);
  const parts = path.replaceAll(/\[(\d+)\]/g, ".$1").split(".");
  let node: Record<string, unknown> = body;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts.at(-1) as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return body;
}

const url = (n = 0) => `https://files.example.fr/p/${n}?sig=x`;
const items = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
const longUrl = (length: number) => {
  const prefix = "https://files.example.fr/";
  return prefix + "a".repeat(length - prefix.length);
};

type Case = [field: string, value: unknown, expected: "ok" | string, errorField?: string];

const createCases: Case[] = [
  ["externalReference", undefined, "required"],
  ["externalReference", "", "required"],
  ["externalReference", "A".repeat(64), "ok"],
  ["externalReference", "A".repeat(65), "too_long"],
  ["externalReference", "az.AZ_09:-x", "ok"],
  ["externalReference", "INT 2026", "invalid_format"],
  ["externalReference", "INT/2026", "invalid_format"],
  ["externalReference", "INT-é", "invalid_format"],
  ["externalReference", 123, "invalid_type"],
  ["completedAt", undefined, "ok"],
  ["completedAt", "2026-11-20T15:42:00.123Z", "ok"],
  ["completedAt", "2024-02-29T00:00:00Z", "ok"],
  ["completedAt", "2026-02-29T00:00:00Z", "invalid_format"],
  ["completedAt", "2026-11-20T15:42:00+01:00", "invalid_format"],
  ["completedAt", "2026-11-20T24:00:00Z", "invalid_format"],
  ["completedAt", "2026-11-20", "invalid_format"],
  ["completedAt", "2026-11-20 15:42:00Z", "invalid_format"],
  ["completedAt", null, "invalid_type"],
  ["customer", undefined, "required"],
  ["customer.firstName", undefined, "required"],
  ["customer.firstName", "   ", "required"],
  ["customer.firstName", "é".repeat(100), "ok"],
  ["customer.firstName", `  ${"a".repeat(100)}  `, "ok"],
  ["customer.firstName", "a".repeat(101), "too_long"],
  ["customer.lastName", "", "required"],
  ["customer.lastName", "a".repeat(101), "too_long"],
  ["customer.email", undefined, "required"],
  ["customer.email", "camille@example.fr", "ok"],
  ["customer.email", "first.last+tag@sub.example.fr", "ok"],
  ['customer.email', '"camille durand"@example.fr', "ok"],
  ["customer.email", "camille@[192.0.2.1]", "ok"],
  // 254 characters, then 255.
  ["customer.email", `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.fr`, "ok"],
  ["customer.email", `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(59)}.fr`, "too_long"],
  ["customer.email", "camille.example.fr", "invalid_format"],
  ["customer.email", "camille@@example.fr", "invalid_format"],
  ["customer.email", "camille durand@example.fr", "invalid_format"],
  ["customer.email", "camille..durand@example.fr", "invalid_format"],
  ["customer.email", ".camille@example.fr", "invalid_format"],
  ["customer.email", "camille@example.fr.", "invalid_format"],
  ["customer.email", "Camille <camille@example.fr>", "invalid_format"],
  ["customer.email", "camille@exämple.fr", "invalid_format"],
  ["customer.phone", undefined, "required"],
  ["customer.phone", "+12345678", "ok"],
  ["customer.phone", "+123456789012345", "ok"],
  ["customer.phone", "+1234567", "invalid_format"],
  ["customer.phone", "+1234567890123456", "invalid_format"],
  ["customer.phone", "06 12 34 56 78", "invalid_format"],
  ["customer.phone", "0612345678", "invalid_format"],
  ["customer.phone", "+33 612345678", "invalid_format"],
  ["customer.phone", "33612345678", "invalid_format"],
  ["customer.phone", "+033612345678", "invalid_format"],
  ["customer.phone", 33612345678, "invalid_type"],
  ["installation", undefined, "required"],
  ["installation.address", undefined, "required"],
  ["installation.address", "   ", "required"],
  ["installation.address", "a".repeat(200), "ok"],
  ["installation.address", "a".repeat(201), "too_long"],
  ["installation.postalCode", "01000", "ok"],
  ["installation.postalCode", "1000", "invalid_format"],
  ["installation.postalCode", "690031", "invalid_format"],
  ["installation.postalCode", "6900A", "invalid_format"],
  ["installation.postalCode", 69003, "invalid_type"],
  ["installation.postalCode", undefined, "required"],
  ["installation.city", "a".repeat(100), "ok"],
  ["installation.city", "a".repeat(101), "too_long"],
  ["installation.city", "", "required"],
  ["installation.pdl", "12345678901234", "ok"],
  ["installation.pdl", "1234567890123", "invalid_format"],
  ["installation.pdl", "123456789012345", "invalid_format"],
  ["installation.pdl", "1234567890123A", "invalid_format"],
  ["installation.pdl", undefined, "required"],
  ["installation.pce", undefined, "ok"],
  ["installation.pce", "12345678901234", "ok"],
  ["installation.pce", "GI123456", "ok"],
  ["installation.pce", "GI12345", "invalid_format"],
  ["installation.pce", "gi123456", "invalid_format"],
  ["installation.pce", "1234567890123", "invalid_format"],
  ["installation.pce", "", "invalid_format"],
  ["installation.pce", null, "invalid_type"],
  ["services", undefined, "required"],
  ["services", [], "required"],
  ["services", items(20, () => ({ code: "BAR-TH-171" })), "ok"],
  ["services", items(21, () => ({ code: "BAR-TH-171" })), "too_many"],
  ["services[0].code", "BAR-TH-17", "invalid_format"],
  ["services[0].code", "bar-th-171", "invalid_format"],
  ["services[0].code", "BARTH171", "invalid_format"],
  ["services[0].code", undefined, "required"],
  ["equipment", [], "required"],
  ["equipment", items(50, () => ({ name: "n", model: "m" })), "ok"],
  ["equipment", items(51, () => ({ name: "n", model: "m" })), "too_many"],
  ["equipment[0].name", "", "required"],
  ["equipment[0].name", "a".repeat(201), "too_long"],
  ["equipment[0].model", undefined, "required"],
  ["equipment[0].model", "a".repeat(200), "ok"],
  ["equipment[0].model", "a".repeat(201), "too_long"],
  ["documents", undefined, "required"],
  ["documents", [], "required"],
  ["documents", items(50, (i) => ({ url: url(i) })), "ok"],
  ["documents", items(51, (i) => ({ url: url(i) })), "too_many"],
  ["documents[0].type", undefined, "ok"],
  ...(["contract", "quote", "invoice", "certificate", "other"].map((t) => ["documents[0].type", t, "ok"]) as Case[]),
  ["documents[0].type", "photo", "invalid_value"],
  ["documents[0].type", null, "invalid_value"],
  ["documents[0].url", undefined, "required"],
  ["documents[0].url", longUrl(2048), "ok"],
  ["documents[0].url", longUrl(2049), "too_long"],
  ["documents[0].url", "http://files.example.fr/d/abc", "invalid_url"],
  ["documents[0].url", "/d/abc", "invalid_url"],
  ["documents[0].url", "files.example.fr/d/abc", "invalid_url"],
  ["documents[0].url", "https://", "invalid_url"],
  ["documents[0].url", "https://user:pass@files.example.fr/d/abc", "invalid_url"],
  ["documents[0].url", "https://files.example.fr/d/a b", "invalid_url"],
  ["documents[0].url", "https://files.example.fr/d/%zz", "invalid_url"],
  ["documents[0].url", "ftp://files.example.fr/d/abc", "invalid_url"],
  ["photos", undefined, "ok"],
  ["photos", [], "ok"],
  ["photos", items(50, (i) => ({ url: url(i) })), "ok"],
  ["photos", items(51, (i) => ({ url: url(i) })), "too_many"],
  ["photos", null, "invalid_type"],
  ["photos[0].url", "http://files.example.fr/p/def", "invalid_url"],
  ["photos[0].url", longUrl(2049), "too_long"],
  ["photos[0]", "https://files.example.fr/p/def", "invalid_type"],
  // Unknown fields are refused (strictest reading), at any depth.
  ["note", "hello", "unknown_field"],
  ["customer.middleName", "Marie", "unknown_field"],
  ["documents[0].size", 12, "unknown_field"],
];

describe("POST /v1/dossiers field rules (§3.1)", () => {
  it.each(createCases)("%s = %j → %s", async (field, value, expected) => {
    const response = await post(sb, "/v1/dossiers", withField(field, value), { token: bearer });
    const body = (await response.json()) as ProblemBody;
    if (expected === "ok") {
      expect(response.status, JSON.stringify(body)).toBe(201);
      return;
    }
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(body).toMatchObject({ status: 422, code: "validation_failed", type: "/problems/validation-failed" });
    expect(body.errors).toEqual([expect.objectContaining({ field, code: expected, message: expect.any(String) })]);
  });

  it("reports every invalid field at once, with dotted paths and [index]", async () => {
    const body = validDossier({
      customer: { firstName: "", lastName: "Durand", email: "nope", phone: "06 12 34 56 78" },
      photos: [{ url: url(1) }, { url: url(2) }, { url: url(3) }, { url: "http://insecure.example.fr/p" }],
    });
    const response = await post(sb, "/v1/dossiers", body, { token: bearer });
    const problem = (await response.json()) as ProblemBody;
    expect(response.status).toBe(422);
    expect(problem.detail).toBe("4 fields are invalid");
    expect(problem.errors?.map((e) => [e.field, e.code])).toEqual([
      ["customer.firstName", "required"],
      ["customer.email", "invalid_format"],
      ["customer.phone", "invalid_format"],
      ["photos[3].url", "invalid_url"],
    ]);
  });

  it.each([[[]], ["text"], [null], [42]])("refuses a JSON body that is not an object: %j", async (value) => {
    const response = await post(sb, "/v1/dossiers", JSON.stringify(value), { token: bearer });
    expect(response.status).toBe(422);
    expect(((await response.json()) as ProblemBody).errors).toEqual([expect.objectContaining({ field: "", code: "invalid_type" })]);
  });
});

describe("POST /v1/dossiers/{id}/photos field rules (§3.2)", () => {
  let dossierId: string;
  beforeAll(async () => {
    const response = await post(sb, "/v1/dossiers", validDossier({ photos: [] }), { token: bearer });
    dossierId = ((await response.json()) as { id: string }).id;
  });

  const photoCases: [string, unknown, string, string][] = [
    ["missing photos", {}, "required", "photos"],
    ["empty photos", { photos: [] }, "required", "photos"],
    ["51 photos", { photos: items(51, (i) => ({ url: url(i) })) }, "too_many", "photos"],
    ["an http URL", { photos: [{ url: "http://files.example.fr/p" }] }, "invalid_url", "photos[0].url"],
    ["a missing URL", { photos: [{}] }, "required", "photos[0].url"],
    ["an unknown field", { photos: [{ url: url() }], note: "x" }, "unknown_field", "note"],
    ["an unknown item field", { photos: [{ url: url(), caption: "x" }] }, "unknown_field", "photos[0].caption"],
  ];

  it.each(photoCases)("refuses %s", async (_name, body, code, field) => {
    const response = await post(sb, `/v1/dossiers/${dossierId}/photos`, body, { token: bearer });
    expect(response.status).toBe(422);
    expect(((await response.json()) as ProblemBody).errors).toEqual([expect.objectContaining({ field, code })]);
  });

  it.each([1, 50])("accepts %i photos", async (n) => {
    const response = await post(sb, `/v1/dossiers/${dossierId}/photos`, { photos: items(n, (i) => ({ url: url(1000 * n + i) })) }, { token: bearer });
    expect(response.status).toBe(201);
  });
});

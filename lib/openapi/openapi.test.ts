import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { interventions, publications } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/auth/api-tokens";
import { getInterventionView } from "@/lib/dashboard/intake-view";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import type { exportBeneficiaryData, eraseBeneficiaryData } from "@/lib/privacy/beneficiary-data";
import type { syncStatusOf } from "@/lib/dashboard/publication";
import { ROUTE_PATTERNS } from "@/lib/http/route-patterns";
import { answeredMethods, loadRoute, routesOnDisk } from "@/lib/http/test-support";
import { documentedPath, openApiDocument } from "./document";
import { operations, type Operation } from "./operations";
import type { beneficiaryExportSchema, erasureResultSchema, interventionViewSchema, syncStatusSchema } from "./schemas";

const storage = await mkdtemp(path.join(tmpdir(), "openapi-files-"));
process.env.FILE_STORAGE_DIR = storage;
process.env.FILES_PUBLIC_BASE_URL = "https://files.example";
// Read once with the rest of the configuration, before any handler runs.
process.env.METRICS_TOKEN = "metrics-token-of-the-openapi-test";
const { db } = await useTestDatabase();
const document = openApiDocument();
let operator: string;
let viewer: string;
let admin: string;

beforeAll(async () => {
  for (const file of ["documents/contract.pdf", "documents/quote.pdf", "photos/outdoor-unit.jpg", "photos/indoor-unit.jpg"]) {
    await mkdir(path.join(storage, path.dirname(file)), { recursive: true });
    await writeFile(path.join(storage, file), "file");
  }
  operator = (await createApiToken(db, "workforce", "operator")).token;
  viewer = (await createApiToken(db, "reporting", "viewer")).token;
  admin = (await createApiToken(db, "dpo", "admin")).token;
});

type Method = "get" | "put" | "post" | "patch" | "delete";
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** The route module answering a documented path: where Next.js finds its operations' route. */
const routeOfPath = new Map((Object.values(operations) as Operation[]).map((operation) => [documentedPath(operation), operation.route]));
const routeFile = (documentedPath: string) => path.join(process.cwd(), "app", `${routeOfPath.get(documentedPath)}/route.ts`);
const handlers: Record<string, Partial<Record<Uppercase<Method>, unknown>>> = Object.fromEntries(
  await Promise.all(Object.keys(document.paths).map(async (documentedPath) => [documentedPath, (await import(routeFile(documentedPath))) as Record<string, unknown>] as const)),
);


interface Case {
  path: keyof typeof document.paths;
  method: Method;
  reference?: string;
  /** Other path parameters ({id}, {path}), and a query string. */
  params?: Record<string, string | string[]>;
  query?: string;
  token?: string | null;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  expect: number;
}

type DocumentedOperation = { responses: Record<string, { content?: Record<string, { schema?: object }> }> };
const operationOf = (c: Pick<Case, "path" | "method">) => (document.paths as Record<string, Record<string, unknown>>)[c.path]?.[c.method] as DocumentedOperation | undefined;

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: "https://symphonics-publisher.local/openapi.json", components: document.components });
function validateAgainst(schema: object, value: unknown): string[] {
  const validate = ajv.compile({ $id: `https://symphonics-publisher.local/check-${Math.random()}`, ...rebase(schema) });
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
/** The document's local refs, pointed at the document registered above. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"https://symphonics-publisher.local/openapi.json#/components/'));
}

const SECRET = "whsec_c2FuZGJveC13ZWJob29rLXNlY3JldC0zMmJ5dGVzISE=";
function signed(body: string, id = `msg_${Math.random().toString(36).slice(2)}`) {
  const timestamp = new Date();
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)), "webhook-signature": new Webhook(SECRET).sign(id, timestamp, body), "content-type": "application/json" };
}

/** Calls the handler the way Next.js would, and checks the answer against the document. */
async function check(c: Case) {
  const operation = operationOf(c);
  expect(operation, `${c.method.toUpperCase()} ${c.path} is documented`).toBeDefined();
  const handler = handlers[c.path]![c.method.toUpperCase() as Uppercase<Method>] as Handler;
  const params: Record<string, string | string[]> = { reference: c.reference ?? "", ...c.params };
  const filled = c.path.replace(/\{(\w+)\}/g, (_, name: string) => [params[name] ?? ""].flat().map(encodeURIComponent).join("/"));
  const url = `http://localhost${filled}${c.query ? `?${c.query}` : ""}`;
  const headers: Record<string, string> = { ...c.headers };
  const token = c.token === undefined ? operator : c.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined = c.raw;
  if (c.body !== undefined) {
    body = JSON.stringify(c.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await handler(new Request(url, { method: c.method.toUpperCase(), headers, body }), { params: Promise.resolve(params) as Promise<Record<string, string>> });
  const text = await response.text();
  const label = `${c.method.toUpperCase()} ${c.path} → ${response.status}: ${text.slice(0, 300)}`;
  expect(response.status, label).toBe(c.expect);
  const documented = operation!.responses[String(response.status)];
  expect(documented, `${label} is a documented answer`).toBeDefined();
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]!;
  const media = documented!.content ?? {};
  expect(Object.keys(media), label).toContain(contentType);
  const schema = media[contentType]?.schema;
  if (schema && contentType.endsWith("json")) expect(validateAgainst(schema, JSON.parse(text)), label).toEqual([]);
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document (checked against the official schema)", async () => {
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("documents responses for every operation, problem+json for every error, and every $ref resolves", () => {
    const text = JSON.stringify(document);
    for (const ref of new Set([...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!))) {
      expect(document.components.schemas, `$ref ${ref}`).toHaveProperty(ref);
    }
    for (const [pathName, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item).filter(([key]) => key !== "parameters")) {
        const responses = (operation as DocumentedOperation).responses;
        expect(Object.keys(responses).length, `${method} ${pathName}`).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) >= 400 && Number(status) !== 503) expect(Object.keys(response.content ?? {}), `${method} ${pathName} ${status}`).toEqual(["application/problem+json"]);
        }
      }
      for (const method of Object.keys(item).filter((key) => key !== "parameters")) {
        expect(handlers[pathName]?.[method.toUpperCase() as Uppercase<Method>], `${routeFile(pathName)} exports ${method.toUpperCase()}`).toBeTypeOf("function");
      }
    }
  });

  it("documents every route on disk, every method each answers, and nothing else", async () => {
    const onDisk = routesOnDisk();
    expect(onDisk.map((r) => r.route).sort(), "lib/http/route-patterns.ts lists exactly the routes on disk").toEqual([...ROUTE_PATTERNS].sort());
    const documented = (Object.values(operations) as Operation[]).map((operation) => `${operation.method.toUpperCase()} ${operation.route}`);
    const answered: string[] = [];
    const answeredRoutes = new Set<string>();
    for (const { route, file } of onDisk) {
      const routeModule = await loadRoute(file);
      for (const method of answeredMethods(routeModule)) {
        const definition = routeModule[method]!.definition!;
        answered.push(`${method} ${route}`);
        answeredRoutes.add(route);
        expect(definition.route, `${method} ${route} is built from a definition of its own route`).toBe(route);
        expect(Object.values(operations), `${method} ${route} is built from an operation of lib/openapi/operations.ts`).toContain(definition);
      }
    }
    expect(onDisk.map((r) => r.route).filter((route) => !answeredRoutes.has(route)), "route modules answering nothing through route()").toEqual([]);
    expect([...new Set(documented)].sort(), "every method a route answers is documented, and only those").toEqual(answered.sort());
  });

  it("documents the intake with the very schemas the handlers parse", () => {
    const input = document.components.schemas.InterventionInput as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
    expect(Object.keys(input.properties)).toEqual(Object.keys(sampleInterventionInput()));
    expect(input.additionalProperties).toBe(false);
    // Intake records incomplete interventions: only the status is required (the mapping says what is missing at publication).
    expect(input.required).toEqual(["status"]);
    expect(validateAgainst({ $ref: "#/components/schemas/InterventionInput" }, sampleInterventionInput())).toEqual([]);
    expect(validateAgainst({ $ref: "#/components/schemas/InterventionInput" }, { ...sampleInterventionInput(), extra: 1 })).not.toEqual([]);
  });

  it("describes answers whose types are those the handlers build", () => {
    expectTypeOf<NonNullable<Awaited<ReturnType<typeof getInterventionView>>>>().toExtend<z.infer<typeof interventionViewSchema>>();
    expectTypeOf<NonNullable<Awaited<ReturnType<typeof syncStatusOf>>>>().toExtend<z.infer<typeof syncStatusSchema>>();
    expectTypeOf<Awaited<ReturnType<typeof exportBeneficiaryData>>>().toExtend<z.infer<typeof beneficiaryExportSchema>>();
    expectTypeOf<Awaited<ReturnType<typeof eraseBeneficiaryData>>>().toExtend<z.infer<typeof erasureResultSchema>>();
  });
});

describe("every documented route answers as documented", () => {
  const example = sampleInterventionInput();

  it("intake: PUT, GET, PATCH and their errors", async () => {
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-1", body: { ...example, status: "scheduled" }, expect: 201 });
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-1", body: { ...example, status: "scheduled" }, expect: 200 });
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-1", body: example, headers: { "if-match": '"99"' }, expect: 409 });
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-1", raw: "{not json", headers: { "content-type": "application/json" }, expect: 400 });
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-1", raw: "a=b", headers: { "content-type": "text/plain" }, expect: 415 });
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-1", body: { ...example, beneficiary_email: "" }, expect: 422 });
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-1", raw: JSON.stringify({ ...example, address: "x".repeat(1_100_000) }), headers: { "content-type": "application/json" }, expect: 413 });
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-1", body: example, token: viewer, expect: 403 });
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-1", body: example, token: null, expect: 401 });
    await check({ path: "/api/interventions/{reference}", method: "get", reference: "INT-DOC-1", token: viewer, expect: 200 });
    await check({ path: "/api/interventions/{reference}", method: "get", reference: "INT-NOPE", expect: 404 });
    await check({ path: "/api/interventions/{reference}", method: "get", reference: "bad reference!", expect: 422 });
    await check({ path: "/api/interventions/{reference}", method: "patch", reference: "INT-DOC-1", body: { status: "in_progress" }, expect: 200 });
    await check({ path: "/api/interventions/{reference}", method: "patch", reference: "INT-DOC-1", body: {}, expect: 422 });
    await check({ path: "/api/interventions/{reference}", method: "patch", reference: "INT-DOC-1", body: { status: "published" }, expect: 409 });
    await check({ path: "/api/interventions/{reference}", method: "patch", reference: "INT-NOPE", body: { status: "in_progress" }, expect: 404 });
  });

  it("publication: publish and sync-status", async () => {
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-2", body: example, expect: 201 });
    await check({ path: "/api/interventions/{reference}/publish", method: "post", reference: "INT-DOC-2", expect: 409 });
    const [row] = await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, "INT-DOC-2"));
    // Its retry budget spent: a person may publish it again.
    await db.update(publications).set({ status: "failed" }).where(eq(publications.interventionId, row!.id));
    await check({ path: "/api/interventions/{reference}/publish", method: "post", reference: "INT-DOC-2", expect: 202 });
    await check({ path: "/api/interventions/{reference}/publish", method: "post", reference: "INT-DOC-2", token: viewer, expect: 403 });
    await check({ path: "/api/interventions/{reference}/publish", method: "post", reference: "INT-NOPE", expect: 404 });
    await check({ path: "/api/interventions/{reference}", method: "put", reference: "INT-DOC-3", body: { ...example, contract_signed_at: null }, expect: 201 });
    await check({ path: "/api/interventions/{reference}/publish", method: "post", reference: "INT-DOC-3", expect: 422 });
    await check({ path: "/api/interventions/{reference}/sync-status", method: "get", reference: "INT-DOC-2", token: viewer, expect: 200 });
    await check({ path: "/api/interventions/{reference}/sync-status", method: "get", reference: "INT-DOC-2", token: null, expect: 401 });
    await check({ path: "/api/interventions/{reference}/sync-status", method: "get", reference: "INT-NOPE", expect: 404 });
  });

  it("the Symphonics webhook", async () => {
    const event = JSON.stringify({ type: "dossier.accepted", timestamp: new Date().toISOString(), data: { dossierId: "DOS-UNKNOWN", externalReference: "INT-NOPE", status: "accepted" } });
    await check({ path: "/api/webhooks/symphonics", method: "post", raw: event, headers: signed(event), token: null, expect: 200 });
    await check({ path: "/api/webhooks/symphonics", method: "post", raw: event, headers: { ...signed(event), "webhook-signature": "v1,Zm9yZ2Vk" }, token: null, expect: 401 });
    await check({ path: "/api/webhooks/symphonics", method: "post", raw: "not json", headers: signed("not json"), token: null, expect: 400 });
    await check({ path: "/api/webhooks/symphonics", method: "post", raw: '{"type":42}', headers: signed('{"type":42}'), token: null, expect: 422 });
  });

  it("operations: health, metrics, the document itself", async () => {
    await check({ path: "/api/health/live", method: "get", token: null, expect: 200 });
    await check({ path: "/api/health/ready", method: "get", token: null, expect: 200 });
    await check({ path: "/api/openapi", method: "get", token: null, expect: 401 });
    await check({ path: "/api/openapi", method: "get", token: operator, expect: 200 });
    await check({ path: "/api/metrics", method: "get", token: null, expect: 401 });
    await check({ path: "/api/metrics", method: "get", token: "metrics-token-of-the-openapi-test", expect: 200 });
  });

  it("data protection: export and erase", async () => {
    await check({ path: "/api/privacy/beneficiaries/{reference}/export", method: "get", reference: "INT-DOC-1", token: admin, expect: 200 });
    await check({ path: "/api/privacy/beneficiaries/{reference}/export", method: "get", reference: "INT-DOC-1", token: operator, expect: 403 });
    await check({ path: "/api/privacy/beneficiaries/{reference}/export", method: "get", reference: "INT-NOPE", token: admin, expect: 404 });
    await check({ path: "/api/privacy/beneficiaries/{reference}/erase", method: "post", reference: "INT-DOC-2", token: admin, expect: 409 });
    await check({ path: "/api/privacy/beneficiaries/{reference}/erase", method: "post", reference: "INT-DOC-1", token: admin, expect: 200 });
    await check({ path: "/api/privacy/beneficiaries/{reference}/erase", method: "post", reference: "bad reference!", token: admin, expect: 422 });
  });

  it("the dashboard's data", async () => {
    await check({ path: "/api/dashboard/overview", method: "get", token: viewer, query: "range=14d&tz=Europe/Paris", expect: 200 });
    await check({ path: "/api/dashboard/overview", method: "get", token: viewer, query: "range=1y", expect: 422 });
    await check({ path: "/api/dashboard/overview", method: "get", token: null, expect: 401 });
    await check({ path: "/api/dashboard/interventions", method: "get", token: viewer, query: "limit=2", expect: 200 });
    await check({ path: "/api/dashboard/interventions", method: "get", token: viewer, query: "sort=sideways", expect: 422 });
    await check({ path: "/api/dashboard/interventions/{reference}", method: "get", reference: "INT-DOC-2", token: viewer, expect: 200 });
    await check({ path: "/api/dashboard/interventions/{reference}", method: "get", reference: "INT-NOPE", token: viewer, expect: 404 });
    await check({ path: "/api/dashboard/interventions/{reference}", method: "get", reference: "bad reference!", token: viewer, expect: 422 });
    await check({ path: "/api/dashboard/attention", method: "get", token: viewer, expect: 200 });
    await check({ path: "/api/dashboard/attention", method: "get", token: viewer, query: "kind=bored", expect: 422 });
    await check({ path: "/api/dashboard/events", method: "get", token: null, expect: 401 });
  });

  it("administration: users and API tokens", async () => {
    await check({ path: "/api/admin/users", method: "get", token: admin, expect: 200 });
    await check({ path: "/api/admin/users", method: "get", token: operator, expect: 403 });
    const user = { email: "doc.user@example.fr", name: "Doc User", password: "a long enough password", role: "viewer" };
    await check({ path: "/api/admin/users", method: "post", token: admin, body: user, expect: 201 });
    await check({ path: "/api/admin/users", method: "post", token: admin, body: user, expect: 409 });
    await check({ path: "/api/admin/users", method: "post", token: admin, body: { ...user, email: "nope" }, expect: 422 });
    await check({ path: "/api/admin/users/{id}", method: "patch", token: admin, params: { id: "00000000-0000-4000-8000-000000000000" }, body: { unlock: true }, expect: 404 });
    await check({ path: "/api/admin/users/{id}", method: "patch", token: admin, params: { id: "not-a-uuid" }, body: { unlock: true }, expect: 422 });
    await check({ path: "/api/admin/tokens", method: "get", token: admin, expect: 200 });
    await check({ path: "/api/admin/tokens", method: "post", token: admin, body: { name: "doc", role: "viewer" }, expect: 201 });
    await check({ path: "/api/admin/tokens", method: "post", token: admin, body: { name: "", role: "viewer" }, expect: 422 });
    await check({ path: "/api/admin/tokens/{id}", method: "delete", token: admin, params: { id: "00000000-0000-4000-8000-000000000000" }, expect: 404 });
  });

  // next-auth's endpoints need Next.js's request scope (next/headers): the end-to-end tests sign in through them.
  it("stored files and the reference", async () => {
    await check({ path: "/files/{path}", method: "get", token: null, params: { path: ["documents", "contract.pdf"] }, expect: 403 });
    await check({ path: "/api-reference", method: "get", token: viewer, expect: 200 });
  });
});

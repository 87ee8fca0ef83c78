/**
 * The fuzz suite: every route on disk × a catalogue of hostile values, every method, and
 * property-based bodies generated from the handlers' own zod schemas, all sent with an admin API
 * token so that validation is reached. No answer may be a server error; every refusal must be a
 * problem+json; and a refused request must have written nothing (a digest of every table's rows is
 * compared after each refusal with the one before it).
 */
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { useTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/auth/api-tokens";
import { HTTP_METHODS, type RouteDefinition } from "@/lib/http/route";
import { answeredMethods, loadRoute, routesOnDisk, type RouteModule } from "@/lib/http/test-support";
import { sampleInterventionInput } from "@/lib/interventions/sample";

const { db } = await useTestDatabase();
const WEBHOOK_SECRET = "whsec_c2FuZGJveC13ZWJob29rLXNlY3JldC0zMmJ5dGVzISE=";
const REFERENCE = "INT-FUZZ-1";
const NO_ID = "00000000-0000-4000-8000-000000000000";

type Routed = { route: string; file: string; module: RouteModule };
const routes: Routed[] = await Promise.all(routesOnDisk().map(async (r) => ({ ...r, module: await loadRoute(r.file) })));
/** next-auth's handler needs Next.js's request scope (next/headers): only what route() refuses itself is sent to it here; the end-to-end tests sign in. */
const NEEDS_NEXT_SCOPE = "/api/auth/[...nextauth]";

let admin: string;
let baseline: string;
let requests = 0;
const failures: string[] = [];

/** A digest of every table's rows, but what a refused request may legitimately touch: a token's last use, the per-minute count of refused webhook signatures. */
async function digest(): Promise<string> {
  const tables = await db.execute<{ name: string }>(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const parts = tables.filter(({ name }) => name !== "webhook_signature_failures").map(({ name }) => {
    const rows = name === "api_tokens" ? sql.raw(`(select to_jsonb(t) - 'last_used_at' as r from api_tokens t)`) : sql.raw(`(select to_jsonb(t) as r from "${name}" t)`);
    return sql`select ${name}::text as name, md5(coalesce(string_agg(r::text, '|' order by r::text), '')) as hash from ${rows} x`;
  });
  const result = await db.execute<{ name: string; hash: string }>(sql.join(parts, sql` union all `));
  return result.map((r) => `${r.name}:${r.hash}`).join(",");
}

interface Attempt {
  /** Names the case in reports. */
  name: string;
  route: Routed;
  method: string;
  /** The path as sent (still percent-encoded), and the parameters Next.js would have decoded from it. */
  path: string;
  params: Record<string, string | string[]>;
  query?: string;
  body?: string;
  headers?: Record<string, string>;
}

async function send(attempt: Attempt): Promise<void> {
  const { route, method } = attempt;
  const handler = route.module[method];
  if (!handler) throw new Error(`${route.route} exports no ${method}`);
  const headers: Record<string, string> = { authorization: `Bearer ${admin}`, ...attempt.headers };
  if (attempt.body !== undefined) headers["content-type"] ??= "application/json";
  const request = new Request(`http://localhost${attempt.path}${attempt.query ? `?${attempt.query}` : ""}`, { method, headers, body: attempt.body });
  requests++;
  const response = await handler(request, { params: Promise.resolve(attempt.params) });
  // An event stream stays open until its client goes: its opening is the answer.
  const streaming = response.headers.get("content-type")?.startsWith("text/event-stream");
  const text = streaming ? (await response.body?.cancel(), "") : await response.text();
  const label = `${attempt.name} → ${response.status} ${text.slice(0, 200)}`;
  if (response.status >= 500) {
    failures.push(label);
    return;
  }
  if (response.status >= 400) {
    if (response.headers.get("content-type") !== "application/problem+json") failures.push(`${label}: not problem+json`);
    const after = await digest();
    if (after !== baseline) failures.push(`${label}: a refused request wrote ${diff(baseline, after)}`);
    baseline = after;
  } else if (response.status < 300) baseline = await digest();
}

const diff = (before: string, after: string) => after.split(",").filter((part) => !before.split(",").includes(part)).map((part) => part.split(":")[0]).join(", ");

/** Fills a route pattern: every dynamic segment gets `raw` in the path and `decoded` in the parameters. */
function filled(route: Routed, raw: string, decoded: string | string[] = safeDecode(raw)): Pick<Attempt, "path" | "params"> {
  const params: Record<string, string | string[]> = {};
  const path = route.route.replace(/\[(\.\.\.)?(\w+)\]/g, (_, rest: string | undefined, name: string) => {
    params[name] = rest ? [decoded].flat() : [decoded].flat().join("/");
    return raw;
  });
  return { path, params };
}
function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
/** A value each route knows, so that hostile values elsewhere meet real data. */
const validSegment = (route: Routed, name: string) => (name === "id" ? NO_ID : name === "path" ? ["documents", "contract.pdf"] : name === "nextauth" ? ["session"] : REFERENCE);
function valid(route: Routed): Pick<Attempt, "path" | "params"> {
  const params: Record<string, string | string[]> = {};
  const path = route.route.replace(/\[(\.\.\.)?(\w+)\]/g, (_, __, name: string) => {
    const value = validSegment(route, name);
    params[name] = value;
    return [value].flat().map(encodeURIComponent).join("/");
  });
  return { path, params };
}

const definitionOf = (route: Routed, method: string) => route.module[method]?.definition as (RouteDefinition & { signed?: { body: z.ZodType } }) | undefined;
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Hostile path segments: the raw text sent, and what Next.js would pass as the parameter. */
const PATH_VALUES: { label: string; raw: string; decoded?: string }[] = [
  { label: "NUL", raw: "%00" },
  { label: "NUL inside", raw: "INT-%00-1" },
  { label: "lone surrogate", raw: "x", decoded: "INT-\ud800" },
  { label: "4,000 characters", raw: "a".repeat(4000) },
  { label: "bad percent-encoding %FF", raw: "%FF" },
  { label: "overlong dots", raw: "%C0%AE%C0%AE" },
  { label: "truncated escape", raw: "%E0%A4%A" },
  { label: "dot-dot", raw: "%2e%2e" },
  { label: "encoded slash", raw: "a%2Fb" },
  { label: "spaces and quotes", raw: "%20%27%22%3Cscript%3E" },
  { label: "emoji", raw: encodeURIComponent("🔥💥") },
];

/** Hostile query values, for every parameter a route's schema names (and one it does not). */
const QUERY_VALUES: { label: string; value: string }[] = [
  { label: "%00%00%00", value: "%00%00%00" },
  { label: "lone surrogate", value: "%ED%A0%80" },
  { label: "4,000 characters", value: "b".repeat(4000) },
  { label: "0000-01-01", value: "0000-01-01" },
  { label: "0030-11-14T16:23:19Z", value: "0030-11-14T16:23:19Z" },
  { label: "0000-01-01T00:00:00Z", value: "0000-01-01T00:00:00Z" },
  { label: "9999-12-31", value: "9999-12-31" },
  { label: "forged time", value: base64url(["not-a-time", NO_ID]) },
  { label: "forged cursor", value: base64url(["not-a-time", "x"]) },
  { label: "not base64", value: "%%%" },
  { label: "US/Pacific-New", value: "US/Pacific-New" },
  { label: "+05:30", value: "%2B05:30" },
  { label: "-1", value: "-1" },
  { label: "1e308", value: "1e308" },
  { label: "list of nothing", value: ",,,," },
  { label: "injection", value: "'%3B drop table interventions%3B--" },
];
const QUERY_NAMES: Record<string, string> = { "forged time": "cursor", "forged cursor": "cursor" };

function* hostileAttempts(): Generator<Attempt> {
  for (const route of routes) {
    const answered: string[] = answeredMethods(route.module);
    if (answered.includes("GET")) answered.push("HEAD");
    const scoped = route.route === NEEDS_NEXT_SCOPE;
    // Every method, the answered ones without a body and with a body that is not JSON.
    for (const method of HTTP_METHODS) yield { name: `${method} ${route.route} (bare)`, route, method, ...valid(route), ...(scoped && answered.includes(method) ? { path: "/api/auth/%FF", params: {} } : {}) };
    for (const method of answered.filter((m) => m !== "HEAD")) {
      const dynamic = route.route.includes("[");
      if (dynamic) {
        for (const value of PATH_VALUES) {
          const attempt = { name: `${method} ${route.route} /${value.label}`, route, method, ...filled(route, value.raw, value.decoded) };
          // Only route()'s own refusals for next-auth: an undecodable path, unstorable text.
          if (scoped && !/percent|overlong|truncated|NUL|surrogate/.test(value.label)) continue;
          yield attempt;
        }
      }
      if (scoped) continue;
      const definition = definitionOf(route, method);
      const names = [...Object.keys((definition?.query as z.ZodObject | undefined)?.shape ?? {}), "unknown"];
      for (const name of names) {
        for (const { label, value } of QUERY_VALUES) {
          if (QUERY_NAMES[label] && QUERY_NAMES[label] !== name) continue;
          yield { name: `${method} ${route.route} ?${name}=${label}`, route, method, ...valid(route), query: `${name}=${value}` };
        }
        yield { name: `${method} ${route.route} ?${name} repeated`, route, method, ...valid(route), query: Array.from({ length: 50 }, () => `${name}=x`).join("&") };
      }
      yield { name: `${method} ${route.route} huge query string`, route, method, ...valid(route), query: Array.from({ length: 2000 }, (_, i) => `k${i}=${"v".repeat(40)}`).join("&") };
      if (method === "GET" || method === "DELETE") continue;
      const bodies: [string, string][] = [
        ["deep JSON", `${"[".repeat(10_000)}${"]".repeat(10_000)}`],
        ["deep object", `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`],
        ["not JSON", "{not json"],
        ["NUL in JSON", '{"x":"\\u0000"}'],
        ["lone surrogate in JSON", '{"x":"\\ud800"}'],
        ["NUL key", '{"\\u0000":1}'],
        ["null", "null"],
        ["array", "[]"],
        ["number", "1e400"],
        ["2 MB string", JSON.stringify({ x: "y".repeat(2 * 1024 * 1024) })],
      ];
      for (const [label, body] of bodies) yield { name: `${method} ${route.route} body: ${label}`, route, method, ...valid(route), body, ...signedHeaders(definition, body) };
    }
  }
}

function signedHeaders(definition: ReturnType<typeof definitionOf>, body: string): { headers?: Record<string, string> } {
  if (!definition?.signed) return {};
  const id = `msg_fuzz_${requests}_${Math.random().toString(36).slice(2)}`;
  const at = new Date();
  return { headers: { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(WEBHOOK_SECRET).sign(id, at, body) } };
}

/** Strings that are hostile to storage and to formatting, mixed into generated bodies. */
const hostileString = fc.constantFrom("\u0000", "a\u0000b", "\ud800", "\udfff-x", "0000-01-01T00:00:00Z", "0030-11-14T16:23:19Z", "9999-12-31T23:59:59Z", "x".repeat(5000), "", " ", "🔥", "%FF");

/** A fast-check arbitrary for a JSON Schema (as zod writes it), straying from it now and then with hostile values. */
function arbitraryOf(schema: Record<string, unknown>, definitions: Record<string, Record<string, unknown>>, depth = 0): fc.Arbitrary<unknown> {
  const ref = schema.$ref as string | undefined;
  if (ref) return arbitraryOf(definitions[ref.split("/").pop()!] ?? {}, definitions, depth + 1);
  const exact = exactArbitrary(schema, definitions, depth);
  return fc.oneof({ weight: 8, arbitrary: exact }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: fc.constantFrom(null, -1, 1e308, true, [], {}) });
}
function exactArbitrary(schema: Record<string, unknown>, definitions: Record<string, Record<string, unknown>>, depth: number): fc.Arbitrary<unknown> {
  const options = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  if (options) return fc.oneof(...options.map((option) => arbitraryOf(option, definitions, depth + 1)));
  if ("const" in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  const type = schema.type as string | string[] | undefined;
  if (Array.isArray(type)) return fc.oneof(...type.map((t) => exactArbitrary({ ...schema, type: t }, definitions, depth)));
  switch (type) {
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      const required = (schema.required ?? []) as string[];
      if (depth > 4) return fc.constant({});
      return fc.record(Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, arbitraryOf(property, definitions, depth + 1)])), {
        requiredKeys: required.filter((name) => name in properties) as never[],
      });
    }
    case "array":
      return depth > 4 ? fc.constant([]) : fc.array(arbitraryOf((schema.items ?? {}) as Record<string, unknown>, definitions, depth + 1), { maxLength: 3 });
    case "string":
      if (schema.format === "date-time") return fc.date({ min: new Date("1900-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === "email") return fc.emailAddress();
      if (schema.format === "uuid") return fc.uuid();
      return fc.string({ maxLength: Math.min(Number(schema.maxLength ?? 40), 80), unit: "grapheme" });
    case "integer":
      return fc.integer({ min: -10, max: 10_000 });
    case "number":
      return fc.double({ noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Bodies for every route that reads one: its zod schema's JSON Schema, made into values. */
function* generatedAttempts(runs: number): Generator<Attempt> {
  for (const route of routes) {
    if (route.route === NEEDS_NEXT_SCOPE) continue;
    for (const method of answeredMethods(route.module)) {
      const definition = definitionOf(route, method);
      const schema = definition?.body ?? definition?.signed?.body;
      if (!schema) continue;
      const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
      const definitions = (json.$defs ?? {}) as Record<string, Record<string, unknown>>;
      // Accounts are hashed with argon2 (slow on purpose): fewer of them.
      const count = route.route.startsWith("/api/admin/users") ? Math.ceil(runs / 4) : runs;
      for (const [index, value] of fc.sample(arbitraryOf(json, definitions), { numRuns: count, seed: 20261201 + index0(route.route) }).entries()) {
        const body = JSON.stringify(value);
        yield { name: `${method} ${route.route} generated body #${index}`, route, method, ...valid(route), body, ...signedHeaders(definition, body) };
      }
    }
  }
}
const index0 = (text: string) => [...text].reduce((sum, char) => sum + char.charCodeAt(0), 0);

beforeAll(async () => {
  admin = (await createApiToken(db, "fuzz", "admin")).token;
  const intake = routes.find((r) => r.route === "/api/interventions/[reference]")!;
  await send({ name: "seed", route: intake, method: "PUT", ...valid(intake), body: JSON.stringify(sampleInterventionInput()) });
  baseline = await digest();
});

afterAll(() => {
  console.log(`fuzz suite: ${requests} requests over ${routes.length} routes`);
});

describe("the fuzz suite", () => {
  beforeEach(() => {
    failures.length = 0;
  });

  it("hostile values on every route and method: no server error, every refusal a problem that wrote nothing", { timeout: 120_000 }, async () => {
    for (const attempt of hostileAttempts()) await send(attempt);
    expect(failures).toEqual([]);
  });

  it("bodies generated from the handlers' zod schemas: no server error, every refusal a problem that wrote nothing", { timeout: 120_000 }, async () => {
    for (const attempt of generatedAttempts(60)) await send(attempt);
    expect(failures).toEqual([]);
  });
});

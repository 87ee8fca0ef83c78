import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/auth/api-tokens";
import { metrics } from "@/lib/observability/metrics";
import { captureLogs } from "@/lib/observability/test-support";
import { allowedMethods, HTTP_METHODS, refuseUndecodableRequest } from "./route";
import { matchRoute, ROUTE_PATTERNS } from "./route-patterns";
import { answeredMethods, loadRoute, routesOnDisk } from "./test-support";

const { db } = await useTestDatabase();
const admin = (await createApiToken(db, "route-test", "admin")).token;
const logs = captureLogs();
const routes = await Promise.all(routesOnDisk().map(async (r) => ({ ...r, module: await loadRoute(r.file) })));

/** A URL reaching the route, its dynamic segments filled with `value`. */
const urlOf = (route: string, value: string) => `http://localhost${route.replace(/\[(?:\.\.\.)?\w+\]/g, value)}`;
const paramsOf = (route: string, value: string) =>
  Object.fromEntries([...route.matchAll(/\[(\.\.\.)?(\w+)\]/g)].map(([, rest, name]) => [name!, rest ? [value] : value]));
const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");

describe("metrics labels", () => {
  it("are route patterns: 2,000 requests to random paths add no label beyond the routes", async () => {
    const counter = metrics().httpRequests;
    counter.reset();
    // next-auth's handler needs Next.js's request scope (next/headers), which a test does not have.
    const reached = routes.filter((r) => r.route.includes("[") && r.route !== "/api/auth/[...nextauth]");
    for (let i = 0; i < 2000; i++) {
      const { route, module } = reached[i % reached.length]!;
      const segment = i % 3 ? letters(1 + (i % 200)) : `${letters(5)}-${i}`;
      const method = answeredMethods(module)[0] ?? "GET";
      const response = await module[method]!(new Request(urlOf(route, segment), { method, headers: { authorization: "Bearer sp_unknown" } }), {
        params: Promise.resolve(paramsOf(route, segment)),
      });
      expect(response.status, route).toBeLessThan(500);
    }
    const labels = new Set((await counter.get()).values.map((value) => String(value.labels.route)));
    expect(labels.size).toBeLessThanOrEqual(ROUTE_PATTERNS.length);
    expect([...labels].every((label) => (ROUTE_PATTERNS as readonly string[]).includes(label))).toBe(true);
  });
});

describe("methods", () => {
  it.each(routes)("$route answers every method it lacks with 405 and Allow, OPTIONS with 204 and Allow", async ({ route, module }) => {
    const allow = allowedMethods(answeredMethods(module));
    for (const method of HTTP_METHODS) {
      expect(module[method], `${route} exports ${method}`).toBeTypeOf("function");
      if (allow.includes(method) && method !== "OPTIONS") continue;
      const response = await module[method]!(new Request(urlOf(route, "x"), { method, headers: { authorization: `Bearer ${admin}` } }), {
        params: Promise.resolve(paramsOf(route, "x")),
      });
      expect(response.headers.get("allow"), `${method} ${route}`).toBe(allow.join(", "));
      if (method === "OPTIONS") {
        expect(response.status).toBe(204);
        continue;
      }
      expect(response.status, `${method} ${route}`).toBe(405);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ code: "method_not_allowed", allow });
    }
  });
});

describe("bad percent-encoding", () => {
  const dynamic = routes.filter((r) => r.route.includes("["));

  it.each(["%FF", "%C0%AE%C0%AE", "a%E0%A4%A"])("%s in any dynamic segment is a 400 naming the parameter, logged, through the handler and before it", async (bad) => {
    for (const { route, module } of dynamic) {
      const [, name] = /\[(?:\.\.\.)?(\w+)\]/.exec(route)!;
      const method = answeredMethods(module)[0]!;
      logs.clear();
      const request = new Request(urlOf(route, bad), { method, headers: { authorization: `Bearer ${admin}` } });
      const response = await module[method]!(request, { params: Promise.resolve(paramsOf(route, "x")) });
      expect(response.status, `${method} ${route}`).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ code: "malformed_request", errors: [{ field: name }] });
      expect(logs.lines().at(-1)).toMatchObject({ message: "request", status: 400, method });
      // What proxy.ts answers before Next.js tries to decode the path.
      const early = await refuseUndecodableRequest(new Request(urlOf(route, bad), { method }));
      expect(early?.status).toBe(400);
      expect(await early!.json()).toMatchObject({ errors: [{ field: name }] });
    }
    expect(refuseUndecodableRequest(new Request("http://localhost/api/interventions/INT-1%20x"))).toBeNull();
  });

  it("matches raw paths to their route, literal routes before dynamic ones", () => {
    expect(matchRoute("/api/dashboard/interventions")?.pattern).toBe("/api/dashboard/interventions");
    expect(matchRoute("/api/dashboard/interventions/INT-1")?.pattern).toBe("/api/dashboard/interventions/[reference]");
    expect(matchRoute("/files/a/b/c.pdf")?.parameterOf(3)).toBe("path");
    expect(matchRoute("/files")).toBeNull();
    expect(matchRoute("/api/nothing/here")).toBeNull();
  });
});

describe("unstorable text", () => {
  const call = async (file: string, method: string, url: string, init: { body?: unknown; params?: Record<string, string | string[]> } = {}) => {
    const routeModule = routes.find((r) => r.file === file)!.module;
    const response = await routeModule[method]!(
      new Request(url, {
        method,
        headers: { authorization: `Bearer ${admin}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      }),
      { params: Promise.resolve(init.params ?? {}) },
    );
    return { status: response.status, type: response.headers.get("content-type"), body: (await response.json()) as { errors?: { field: string }[] } };
  };
  const fileOf = (route: string) => routes.find((r) => r.route === route)!.file;

  it("NUL characters and lone surrogates are refused in query, path and body strings (422 naming the field)", async () => {
    const list = await call(fileOf("/api/dashboard/interventions"), "GET", "http://localhost/api/dashboard/interventions?q=%00%00%00&sort=updated_desc");
    expect(list).toMatchObject({ status: 422, type: "application/problem+json", body: { errors: [{ field: "q" }] } });
    const path = await call(fileOf("/api/interventions/[reference]"), "GET", "http://localhost/api/interventions/INT-1", { params: { reference: "INT-\u0000" } });
    expect(path).toMatchObject({ status: 422, body: { errors: [{ field: "reference" }] } });
    const body = await call(fileOf("/api/admin/users"), "POST", "http://localhost/api/admin/users", {
      body: { email: "a@b.fr", name: "Jeanne \ud800", password: "long enough password", role: "viewer", nested: [{ "x\u0000": 1 }] },
    });
    expect(body.status).toBe(422);
    expect(body.body.errors?.map((e) => e.field).sort()).toEqual(["name", "nested[0].x\u0000"].sort());
  });
});

describe("deep bodies", () => {
  it("a body nested 400,000 levels deep is checked in linear time", async () => {
    const intake = routes.find((r) => r.route === "/api/interventions/[reference]")!.module;
    const depth = 400_000;
    const started = performance.now();
    const response = await intake.PUT!(
      new Request("http://localhost/api/interventions/INT-DEEP", {
        method: "PUT",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: `{"address":${"[".repeat(depth)}"\\u0000"${"]".repeat(depth)}}`,
      }),
      { params: Promise.resolve({ reference: "INT-DEEP" }) },
    );
    expect(response.status).toBe(422);
    expect(((await response.json()) as { errors: { field: string }[] }).errors[0]!.field).toMatch(/^address\[0\]\[0\]/);
    // Quadratic would be minutes; linear is well under a few seconds even on a loaded machine.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import type { StaffRole } from "@/db/schema";
import { createApiToken } from "./api-tokens";
import { hasRole } from "./roles";
import { SESSION_COOKIE, sessionSecret } from "./session-token";
import { createUser } from "./users";

/**
 * Every API route × every kind of caller. Routes are discovered from the file system, so a new
 * route fails this test until it is classified here: either the role it needs, or why it is
 * public (it then has its own protection, tested with its route).
 */
const { db } = await useTestDatabase();

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Guarded = { [M in Method]?: StaffRole };

const guarded: Record<string, Guarded> = {
  "/api/interventions/[reference]": { GET: "viewer", PUT: "operator", PATCH: "operator" },
  "/api/interventions/[reference]/publish": { POST: "operator" },
  "/api/interventions/[reference]/sync-status": { GET: "viewer" },
  "/api/dashboard/overview": { GET: "viewer" },
  "/api/openapi": { GET: "viewer" },
  "/api/dashboard/interventions": { GET: "viewer" },
  "/api/dashboard/interventions/[reference]": { GET: "viewer" },
  "/api/dashboard/interventions/[reference]/check-files": { POST: "operator" },
  "/api/dashboard/interventions/[reference]/resolve": { POST: "operator" },
  "/api/dashboard/attention": { GET: "viewer" },
  "/api/dashboard/events": { GET: "viewer" },
  "/api/dashboard/publication-totals": { GET: "viewer" },
  "/api/alerts/[id]/acknowledge": { POST: "operator" },
  "/api/me/locale": { PUT: "viewer" },
  "/api/admin/users": { GET: "admin", POST: "admin" },
  "/api/admin/users/[id]": { PATCH: "admin" },
  "/api/admin/tokens": { GET: "admin", POST: "admin" },
  "/api/admin/tokens/[id]": { DELETE: "admin" },
  "/api-reference": { GET: "viewer" },
  "/api-reference/scalar.js": { GET: "viewer" },
  "/api/privacy/beneficiaries/[reference]/export": { GET: "admin" },
  "/api/privacy/beneficiaries/[reference]/erase": { POST: "admin" },
};

/** Routes outside staff authorisation, each with the protection it has instead. */
const publicRoutes: Record<string, string> = {
  "/api/auth/[...nextauth]": "next-auth's own sign-in, session and sign-out endpoints (CSRF token protected)",
  "/api/webhooks/symphonics": "Symphonics webhook: Standard Webhooks signature; a staff credential grants nothing",
  "/files/[...path]": "stored files: HMAC-signed expiring links; a staff credential grants nothing",
  "/api/health/live": "liveness probe for the process supervisor; reveals nothing",
  "/api/health/ready": "readiness probe for a load balancer; reveals no data",
  "/api/metrics": "Prometheus scrape, protected by METRICS_TOKEN",
};

/** Public routes that must still refuse a request that only carries a staff credential. */
const refusesStaffCredentials: Record<string, Method> = { "/api/webhooks/symphonics": "POST", "/files/[...path]": "GET" };

function discoverRoutes(dir = path.resolve(import.meta.dirname, "../../app")): { route: string; file: string }[] {
  const found: { route: string; file: string }[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...discoverRoutes(full));
    else if (entry === "route.ts") {
      const relative = path.relative(path.resolve(import.meta.dirname, "../../app"), dir).split(path.sep);
      // Route groups, like (dashboard), are not part of the URL.
      found.push({ route: `/${relative.filter((part) => !/^\(.*\)$/.test(part)).join("/")}`, file: full });
    }
  }
  return found;
}

const routes = discoverRoutes();
const params = (route: string) => {
  const values: Record<string, string | string[]> = {};
  for (const [, name] of route.matchAll(/\[(?:\.\.\.)?(\w+)\]/g)) {
    values[name!] = name === "id" ? "00000000-0000-4000-8000-000000000000" : name === "path" ? ["documents", "x.pdf"] : name === "nextauth" ? ["session"] : "MATRIX-UNKNOWN";
  }
  return values;
};
const urlOf = (route: string) =>
  `http://localhost${route.replace(/\[\.\.\.(\w+)\]/g, "documents/x.pdf").replace(/\[(\w+)\]/g, (_, name: string) => (name === "id" ? "00000000-0000-4000-8000-000000000000" : "MATRIX-UNKNOWN"))}`;

type Caller = { name: string; role: StaffRole | null; crossSite?: true; headers: () => Record<string, string> };
const credentials: Record<string, string> = {};
const callers: Caller[] = [
  { name: "no credentials", role: null, headers: () => ({}) },
  { name: "a wrong token", role: null, headers: () => ({ authorization: "Bearer sp_not-a-real-token" }) },
  { name: "a malformed Authorization header", role: null, headers: () => ({ authorization: "Basic YWRtaW46YWRtaW4=" }) },
  { name: "a forged session cookie", role: null, headers: () => ({ cookie: credentials.forged!, "sec-fetch-site": "same-origin" }) },
  ...(["viewer", "operator", "admin"] as const).flatMap((role): Caller[] => [
    { name: `a ${role} API token`, role, headers: () => ({ authorization: `Bearer ${credentials[`${role}-token`]}` }) },
    { name: `a ${role} session`, role, headers: () => ({ cookie: credentials[`${role}-session`]!, "sec-fetch-site": "same-origin" }) },
  ]),
  { name: "an admin session used from another site", role: "admin", crossSite: true, headers: () => ({ cookie: credentials["admin-session"]!, "sec-fetch-site": "cross-site" }) },
];

beforeAll(async () => {
  for (const role of ["viewer", "operator", "admin"] as const) {
    credentials[`${role}-token`] = (await createApiToken(db, `matrix-${role}`, role)).token;
    const { id } = await createUser(db, { email: `${role}@matrix.test`, name: role, password: "matrix password 1", role });
    credentials[`${role}-session`] = `${SESSION_COOKIE}=${await encode({ token: { sub: id }, secret: sessionSecret(), maxAge: 600 })}`;
  }
  credentials.forged = `${SESSION_COOKIE}=${await encode({ token: { sub: "00000000-0000-4000-8000-000000000000" }, secret: "someone else's secret", maxAge: 600 })}`;
});

async function call(file: string, route: string, method: Method, headers: Record<string, string>) {
  const routeModule = (await import(/* @vite-ignore */ file)) as Record<string, (request: Request, context: unknown) => Promise<Response>>;
  const handler = routeModule[method];
  if (!handler) throw new Error(`${route} exports no ${method}`);
  const body = method === "GET" || method === "DELETE" ? undefined : "{}";
  const request = new Request(urlOf(route), { method, headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) }, body });
  return handler(request, { params: Promise.resolve(params(route)) });
}

describe("authorisation matrix", () => {
  it("classifies every route in the application", () => {
    const unclassified = routes.filter(({ route }) => !(route in guarded) && !(route in publicRoutes)).map((r) => r.route);
    expect(unclassified, "classify these routes in lib/auth/authorization-matrix.test.ts").toEqual([]);
  });

  it("every guarded route exports exactly the methods classified", async () => {
    for (const { route, file } of routes.filter(({ route }) => route in guarded)) {
      const routeModule = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      // Every module exports every method (lib/http/route.ts `methods()`); those it answers are built by route().
      const exported = (["GET", "POST", "PUT", "PATCH", "DELETE"] as const).filter((m) => typeof routeModule[m] === "function" && "definition" in (routeModule[m] as object));
      expect(exported.sort(), route).toEqual(Object.keys(guarded[route]!).sort());
    }
  });

  const cases = routes
    .filter(({ route }) => route in guarded)
    .flatMap(({ route, file }) => Object.entries(guarded[route]!).map(([method, needed]) => ({ route, file, method: method as Method, needed: needed! })));

  describe.each(cases)("$method $route (needs $needed)", ({ route, file, method, needed }) => {
    it.each(callers)("with $name", async (caller) => {
      const response = await call(file, route, method, caller.headers());
      const problem = response.status >= 400 ? ((await response.json()) as { code?: string }) : null;
      if (caller.role === null) {
        expect(response.status).toBe(401);
        expect(response.headers.get("content-type")).toBe("application/problem+json");
      } else if (caller.crossSite && method !== "GET") {
        expect(response.status).toBe(403);
        expect(problem?.code).toBe("cross_site_request");
      } else if (!hasRole({ role: caller.role }, needed)) {
        expect(response.status).toBe(403);
        expect(problem?.code).toBe("forbidden");
      } else {
        // Let through: whatever the route then answers (404 for the unknown reference, 422 for
        // the empty body), it is not an authorisation refusal, and never a server error.
        expect([401, 403]).not.toContain(response.status);
        expect(response.status).toBeLessThan(500);
      }
    });
  });

  describe.each(Object.entries(refusesStaffCredentials))("public %s", (route, method) => {
    it("refuses an admin's token or session without its own credential", async () => {
      const file = routes.find((r) => r.route === route)!.file;
      for (const caller of callers.filter((c) => c.role === "admin")) {
        const response = await call(file, route, method, caller.headers());
        expect(response.status, caller.name).toBeGreaterThanOrEqual(400);
        expect(response.status, caller.name).toBeLessThan(500);
      }
    });
  });
});

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isStorableText } from "@/lib/values";
import { createSymphonicsClient, type SymphonicsClientConfig } from "./client";
import { attemptLog, dossierPayload } from "./test-support";

/**
 * Answers the sandbox never gives but the contract says clients must survive (unknown codes,
 * extra fields, non-JSON bodies, silence, cut connections), from a tiny local server.
 */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const TOKEN = "tok_edge_9f8e7d6c5b4a";
let server: Server;
let baseUrl: string;
let handler: Handler;
let tokenHandler: Handler;
const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
let connections = 0;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": status >= 400 ? "application/problem+json" : "application/json", ...headers });
  res.end(JSON.stringify(body));
};
const validToken: Handler = (_req, res) => json(res, 200, { access_token: TOKEN, token_type: "Bearer", expires_in: 900, scope: "dossiers:write dossiers:read" });
const created = { id: "dos_1", externalReference: "INT-1", status: "received", photoCount: 1, createdAt: "2026-11-20T15:42:00Z" };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      (req.url === "/crm/oauth/token" ? tokenHandler : handler)(req, res, body);
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/crm`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  seen.length = 0;
});

const clients: ReturnType<typeof createSymphonicsClient>[] = [];
function client(overrides: Partial<SymphonicsClientConfig> = {}) {
  tokenHandler = validToken;
  const made = createSymphonicsClient({ baseUrl, clientId: "edge client", clientSecret: "s3cr3t+/=&", requestTimeoutMs: 2_000, ...overrides });
  clients.push(made);
  return made;
}
afterAll(() => Promise.all(clients.map((made) => made.close())));

describe("what the client sends", () => {
  it("token request: Basic with form-encoded credentials, form body with both scopes (§1, RFC 6749)", async () => {
    handler = (_req, res) => json(res, 201, created);
    await client().createDossier(dossierPayload(), "key-1");
    const [token, call] = seen;
    expect(token?.method).toBe("POST");
    expect(token?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from("edge+client:s3cr3t%2B%2F%3D%26").toString("base64")}`);
    expect(token?.body).toBe("grant_type=client_credentials&scope=dossiers%3Awrite+dossiers%3Aread");
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({ grant_type: "client_credentials", scope: "dossiers:write dossiers:read" });
    expect(call).toMatchObject({ method: "POST", url: "/crm/v1/dossiers" });
    expect(call?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, "idempotency-key": "key-1", "content-type": "application/json" });
  });

  it("lookup by externalReference is a GET with the reference in the query (§3.4)", async () => {
    handler = (_req, res) => json(res, 200, { data: [{ ...created, externalReference: "INT:1.a", documentCount: 1, updatedAt: created.createdAt }] });
    const outcome = await client().findDossierByExternalReference("INT:1.a");
    expect(seen.at(-1)).toMatchObject({ method: "GET", url: "/crm/v1/dossiers?externalReference=INT%3A1.a" });
    expect(seen.at(-1)?.headers["idempotency-key"]).toBeUndefined();
    expect(outcome).toMatchObject({ kind: "success", value: { id: "dos_1" } });
  });

  it("reuses keep-alive connections across calls", async () => {
    handler = (_req, res) => json(res, 404, { code: "not_found" });
    const reused = client();
    const before = connections;
    for (let index = 0; index < 10; index++) await reused.getDossier("dos_x");
    // 11 requests (token included); undici's pool may open a second socket while the first settles.
    expect(connections - before).toBeLessThanOrEqual(2);
  });
});

describe("answers the contract says to tolerate (§2)", () => {
  it("extra unknown fields in a success body: success, typed fields kept", async () => {
    handler = (_req, res) => json(res, 201, { ...created, links: { self: "/v1/dossiers/dos_1" }, priority: 3 });
    const outcome = await client().createDossier(dossierPayload(), "key-extra");
    expect(outcome).toMatchObject({ kind: "success", value: created });
  });

  it("an unknown 4xx code is not retryable", async () => {
    handler = (_req, res) => json(res, 418, { code: "teapot", title: "I'm a teapot", extra: true });
    expect(await client().createDossier(dossierPayload(), "key-418")).toMatchObject({ kind: "not_retryable", httpStatus: 418, problemCode: "teapot", errors: [] });
  });

  it("an unknown 5xx with a non-JSON body is retryable", async () => {
    handler = (_req, res) => {
      res.writeHead(599, { "content-type": "text/plain" });
      res.end("upstream exploded");
    };
    expect(await client().createDossier(dossierPayload(), "key-599")).toMatchObject({ kind: "retryable", httpStatus: 599, problemCode: null, responseExcerpt: "upstream exploded" });
  });

  it("an answer holding NUL characters keeps an excerpt, message and field problems the database can store", async () => {
    // A problem whose title decodes to a NUL, a 422 naming one in its errors, then a raw NUL in a plain-text body.
    handler = (_req, res) => json(res, 500, { code: "internal_error", title: "bro\u0000ken" });
    const decoded = await client().createDossier(dossierPayload(), "key-nul-1");
    expect(decoded).toMatchObject({ kind: "retryable", httpStatus: 500 });
    expect(isStorableText(decoded.message ?? "")).toBe(true);
    handler = (_req, res) => json(res, 422, { code: "validation_failed", errors: [{ field: "customer.phone", message: "inva\u0000lid" }] });
    const refused = await client().createDossier(dossierPayload(), "key-nul-3");
    expect(refused).toMatchObject({ kind: "not_retryable", errors: [{ field: "customer.phone", message: "inva\uFFFDlid" }] });
    handler = (_req, res) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("bad\u0000gateway");
    };
    const raw = await client().createDossier(dossierPayload(), "key-nul-2");
    expect(raw).toMatchObject({ kind: "retryable", httpStatus: 502, responseExcerpt: "bad\uFFFDgateway" });
    expect(isStorableText(raw.message ?? "")).toBe(true);
  });

  it("504 without a body is retryable", async () => {
    handler = (_req, res) => {
      res.writeHead(504);
      res.end();
    };
    expect(await client().getDossier("dos_1")).toMatchObject({ kind: "retryable", httpStatus: 504, responseExcerpt: null });
  });

  it("Retry-After as an HTTP date on a 503", async () => {
    const now = Date.UTC(2026, 10, 20, 12, 0, 0);
    handler = (_req, res) => json(res, 503, { code: "maintenance" }, { "retry-after": new Date(now + 120_000).toUTCString() });
    expect(await client({ now: () => now }).getDossier("dos_1")).toMatchObject({ kind: "retryable", retryAfterMs: 120_000 });
  });

  it("a 429 without Retry-After still waits at least 1 s", async () => {
    handler = (_req, res) => json(res, 429, { code: "rate_limited" });
    expect(await client().getDossier("dos_1")).toMatchObject({ kind: "rate_limited", retryAfterMs: 1000 });
  });

  it("409 dossier_exists without a dossierId cannot be adopted: not retryable", async () => {
    handler = (_req, res) => json(res, 409, { code: "dossier_exists" });
    expect(await client().createDossier(dossierPayload(), "key-409")).toMatchObject({ kind: "not_retryable", httpStatus: 409 });
  });

  it("a 2xx whose body is unreadable: ambiguous for a write, retryable for a read", async () => {
    handler = (_req, res) => {
      res.writeHead(201, { "content-type": "application/json" });
      res.end("<html>");
    };
    expect(await client().createDossier(dossierPayload(), "key-garbled")).toMatchObject({ kind: "ambiguous", httpStatus: 201 });
    expect(await client().getDossier("dos_1")).toMatchObject({ kind: "retryable", httpStatus: 201 });
  });
});

describe("no answer", () => {
  it("silence past the request timeout: ambiguous for a POST, retryable for a GET", async () => {
    handler = () => undefined;
    const slow = client({ requestTimeoutMs: 300 });
    const posted = await slow.createDossier(dossierPayload(), "key-silent");
    expect(posted).toMatchObject({ kind: "ambiguous", httpStatus: null, idempotencyKey: "key-silent" });
    expect(posted.durationMs).toBeGreaterThanOrEqual(250);
    expect(posted.durationMs).toBeLessThan(1500);
    expect(await slow.getDossier("dos_1")).toMatchObject({ kind: "retryable", httpStatus: null });
  });

  it("the connection cut after the request arrived: ambiguous", async () => {
    handler = (req) => req.socket.destroy();
    expect(await client().createDossier(dossierPayload(), "key-cut")).toMatchObject({ kind: "ambiguous", httpStatus: null });
  });

  it("connection refused: the request never left, so retryable rather than ambiguous", async () => {
    const refused = createSymphonicsClient({ baseUrl: "http://127.0.0.1:1/crm", clientId: "c", clientSecret: "s" });
    clients.push(refused);
    expect(await refused.createDossier(dossierPayload(), "key-refused")).toMatchObject({ kind: "retryable", httpStatus: null, operation: "token" });
  });
});

describe("authentication edges (§1)", () => {
  it("a token refused again after the one repeat: authentication, not a configuration fault", async () => {
    handler = (_req, res) => json(res, 401, { code: "invalid_token" }, { "www-authenticate": 'Bearer error="invalid_token"' });
    const { records, options } = attemptLog();
    const outcome = await client().createDossier(dossierPayload(), "key-401", options);
    expect(outcome).toMatchObject({ kind: "authentication", configurationFault: false, httpStatus: 401 });
    expect(records.map((record) => [record.operation, record.outcome])).toEqual([
      ["token", "success"],
      ["create_dossier", "authentication"],
      ["token", "success"],
      ["create_dossier", "authentication"],
    ]);
    expect(seen.filter((request) => request.url === "/crm/v1/dossiers").map((request) => request.headers["idempotency-key"])).toEqual(["key-401", "key-401"]);
  });

  it("a 401 without the invalid_token challenge is not repeated", async () => {
    handler = (_req, res) => json(res, 401, { code: "unauthorized" }, { "www-authenticate": 'Bearer realm="crm"' });
    expect(await client().getDossier("dos_1")).toMatchObject({ kind: "authentication", configurationFault: true });
    expect(seen.filter((request) => request.url.startsWith("/crm/v1/"))).toHaveLength(1);
  });

  it.each([
    ["400 invalid_scope: configuration fault", (_req: IncomingMessage, res: ServerResponse) => json(res, 400, { error: "invalid_scope" }), { kind: "authentication", configurationFault: true, problemCode: "invalid_scope" }],
    ["500 on the token endpoint: retryable", (_req: IncomingMessage, res: ServerResponse) => json(res, 500, { error: "server_error" }), { kind: "retryable", httpStatus: 500 }],
    ["200 without a usable token: retryable", (_req: IncomingMessage, res: ServerResponse) => json(res, 200, { access_token: "", token_type: "mac" }), { kind: "retryable", httpStatus: 200 }],
    ["429 slow_down without Retry-After: waits 6 s (10 per minute)", (_req: IncomingMessage, res: ServerResponse) => json(res, 429, { error: "slow_down" }), { kind: "rate_limited", retryAfterMs: 6000 }],
  ] as const)("token endpoint %s", async (_name, answer, expected) => {
    const made = client();
    tokenHandler = answer;
    expect(await made.getDossier("dos_1")).toMatchObject({ ...expected, operation: "token" });
  });

  it("renews the token shortly before it expires (margin), not before", async () => {
    let now = 1_000_000;
    handler = (_req, res) => json(res, 404, { code: "not_found" });
    const timed = client({ now: () => now, tokenRefreshMarginSeconds: 60 });
    const tokenRequests = () => seen.filter((request) => request.url === "/crm/oauth/token").length;
    await timed.getDossier("dos_1");
    now += 839_000;
    await timed.getDossier("dos_1");
    expect(tokenRequests()).toBe(1);
    now += 2_000;
    await timed.getDossier("dos_1");
    expect(tokenRequests()).toBe(2);
  });
});

describe("secrets in answers", () => {
  it("a body echoing the token or secret is masked, and cut to ~2 KB", async () => {
    handler = (req, res) => json(res, 400, { code: "malformed_request", detail: `got ${req.headers.authorization} for s3cr3t+/=& ${TOKEN}`, padding: "x".repeat(5000) });
    const outcome = await client().createDossier(dossierPayload(), "key-echo");
    expect(outcome.responseExcerpt).not.toContain(TOKEN);
    expect(outcome.responseExcerpt).not.toContain("s3cr3t");
    expect(outcome.message).not.toContain(TOKEN);
    expect(outcome.responseExcerpt?.length).toBeLessThanOrEqual(2049);
    expect(outcome.responseExcerpt).toContain("[redacted]");
  });
});

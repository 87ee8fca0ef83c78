import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { authOptions } from "@/lib/auth/session";
import { createUser } from "@/lib/auth/users";
import { GET as live } from "@/app/api/health/live/route";
import { GET as ready } from "@/app/api/health/ready/route";
import { GET as metricsEndpoint } from "@/app/api/metrics/route";
import { route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { logger } from "./logger";
import { metrics } from "./metrics";
import { startMetricsServer } from "./metrics-server";
import { redact } from "./redaction";
import { captureLogs } from "./test-support";

const { db } = await useTestDatabase();
const logs = captureLogs();
const METRICS_TOKEN = "metrics-token-for-the-tests-0123456789";
process.env.METRICS_TOKEN = METRICS_TOKEN;
const noContext = { params: Promise.resolve({}) };

describe("structured logs", () => {
  it("writes one JSON line per request with the correlation id the caller sent, and echoes it", async () => {
    logs.clear();
    const handler = route({ route: "/api/health/live", access: "public" }, async () => {
      logger().info({ step: "inside" }, "working");
      return Response.json({ ok: true });
    });
    const response = await handler(new Request("http://localhost/api/things/INT-42?signature=secret-sig", { headers: { "x-correlation-id": "corr-123" } }), noContext);
    expect(response.headers.get("x-correlation-id")).toBe("corr-123");
    const lines = logs.lines();
    expect(lines.map((l) => l.message)).toEqual(["working", "request"]);
    expect(lines.every((l) => l.correlationId === "corr-123")).toBe(true);
    expect(lines[1]).toMatchObject({ level: "info", method: "GET", path: "/api/things/INT-42", status: 200 });
    expect(logs.text()).not.toContain("secret-sig");
  });

  it("gives a request without a usable correlation id a fresh one, and logs an unexpected error as a 500 that reveals nothing", async () => {
    logs.clear();
    const handler = route({ route: "/api/health/live", access: "public" }, async () => {
      throw new Error("database password hunter2 for jeanne.durand@example.fr");
    });
    const response = await handler(new Request("http://localhost/api/x", { headers: { "x-correlation-id": "bad id\" forged=\"1" } }), noContext);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("hunter2");
    const id = response.headers.get("x-correlation-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [error, line] = logs.lines();
    expect(error).toMatchObject({ level: "error", correlationId: id, err: { type: "Error" } });
    expect(line).toMatchObject({ status: 500, correlationId: id });
    expect(logs.text()).not.toContain("jeanne.durand@example.fr");
  });

  it("answers a Problem with its problem+json and still logs the request", async () => {
    logs.clear();
    const response = await route({ route: "/api/health/live", access: "public" }, async () => {
      throw new AppError("not_found", "nope");
    })(new Request("http://localhost/api/y"), noContext);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(logs.lines()[0]).toMatchObject({ status: 404, path: "/api/y" });
  });

  it("hides credentials and personal data by key at any depth and by shape in free text", () => {
    const out = redact({
      headers: { Authorization: "Bearer abc", cookie: "s=1" },
      beneficiary: { firstName: "Jeanne" },
      input: { beneficiary_last_name: "Durand", beneficiary_phone: "0612345678", address: "12 rue des Lilas", reference: "INT-1" },
      FILE_URL_SECRET: "x",
      note: "smtp://alerts:pa55word@mail.example.fr:587 and +33 6 12 34 56 78 and whsec_abc=",
    });
    expect(out).toEqual({
      headers: { Authorization: "[redacted]", cookie: "[redacted]" },
      beneficiary: "[redacted]",
      input: { beneficiary_last_name: "[redacted]", beneficiary_phone: "[redacted]", address: "[redacted]", reference: "INT-1" },
      FILE_URL_SECRET: "[redacted]",
      note: "smtp://[redacted]@mail.example.fr:587 and [redacted] and [redacted]",
    });
  });
});

const call = (handler: typeof metricsEndpoint, url: string, headers: Record<string, string> = {}) => handler(new Request(url, { headers }), noContext);

describe("metrics", () => {
  it("refuses a scrape without the token (401 problem) and with a wrong one", async () => {
    const missing = await call(metricsEndpoint, "http://localhost/api/metrics");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    const wrong = await call(metricsEndpoint, "http://localhost/api/metrics", { authorization: "Bearer wrong-token-of-some-length" });
    expect(wrong.status).toBe(401);
  });

  it("serves the Prometheus text with the gauges read from the database", async () => {
    await db.execute(sql`insert into circuit_breakers (name, state, opened_at) values ('symphonics', 'open', now() - interval '90 seconds')`);
    await db.execute(sql`insert into alerts (kind, group_key, severity, message) values ('symphonics_invalid_client', 'symphonics:invalid_client', 'critical', 'x')`);
    await db.execute(sql`insert into worker_heartbeats (worker_id, hostname, pid, last_beat_at) values ('w1', 'h', 1, now() - interval '5 seconds')`);
    const response = await call(metricsEndpoint, "http://localhost/api/metrics", { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain("database_up 1");
    expect(text).toContain('symphonics_circuit_state{circuit="symphonics",state="open"} 1');
    expect(text).toContain('symphonics_circuit_state{circuit="symphonics",state="closed"} 0');
    expect(Number(/symphonics_circuit_open_seconds\{circuit="symphonics"\} ([\d.]+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(89);
    expect(text).toContain('alerts_open{kind="symphonics_invalid_client",severity="critical"} 1');
    expect(text).toContain("publication_jobs_waiting 0");
    expect(text).toMatch(/worker_heartbeat_age_seconds [4-9]/);
    expect(text).toContain('publications{status="published"} 0');
    // The earlier requests of this file were counted by the route wrapper.
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/metrics",status="401"\} 2/);
    await db.execute(sql`delete from circuit_breakers; delete from alerts; delete from worker_heartbeats`);
  });

  it("serves the same registry on the worker's own port", async () => {
    const server = await startMetricsServer({ port: 0, host: "127.0.0.1", token: METRICS_TOKEN });
    try {
      expect((await fetch(server.url)).status).toBe(401);
      const response = await fetch(server.url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("# TYPE symphonics_attempt_duration_seconds histogram");
    } finally {
      await server.close();
    }
    expect(metrics().registry.getSingleMetric("symphonics_responses_total")).toBeDefined();
  });
});

describe("login failures", () => {
  it("counts refused sign-ins by reason, through the real sign-in, and logs them without the email", async () => {
    await createUser(db, { email: "jeanne.martin@installer.example", name: "Jeanne Martin", password: "the-right-password-2026", role: "operator" });
    const provider = authOptions().providers[0] as unknown as { options: { authorize(credentials: Record<string, string>): Promise<unknown> } };
    const signIn = (password: string) => provider.options.authorize({ email: "jeanne.martin@installer.example", password }).catch(() => null);
    logs.clear();
    for (let i = 0; i < 6; i++) await signIn("a-wrong-password");
    expect(await signIn("the-right-password-2026")).toBeNull();
    const text = await metrics().registry.metrics();
    expect(text).toContain('login_failures_total{reason="invalid"} 4');
    expect(text).toContain('login_failures_total{reason="locked"} 3');
    expect(logs.lines().filter((l) => l.message === "sign-in refused")).toHaveLength(7);
    expect(logs.text()).not.toContain("jeanne.martin");
  });
});

describe("health", () => {
  it("liveness answers without touching anything", async () => {
    const response = await call(live, "http://localhost/api/health/live");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "alive" });
  });

  it("readiness: degraded without a worker heartbeat or with the circuit open, ready with both fine", async () => {
    const noWorker = await call(ready, "http://localhost/api/health/ready");
    expect(noWorker.status).toBe(200);
    expect(await noWorker.json()).toMatchObject({
      status: "degraded",
      checks: { database: { ok: true }, migrations: { ok: true }, worker: { ok: false, detail: "no worker has ever sent a heartbeat" }, circuit: { ok: true } },
    });

    await db.execute(sql`insert into worker_heartbeats (worker_id, hostname, pid) values ('w1', 'h', 1)`);
    await db.execute(sql`insert into circuit_breakers (name, state, opened_at) values ('symphonics', 'open', now())`);
    expect(await (await call(ready, "http://localhost/api/health/ready")).json()).toMatchObject({ status: "degraded", checks: { worker: { ok: true }, circuit: { ok: false } } });

    await db.execute(sql`update circuit_breakers set state = 'closed', opened_at = null`);
    const fine = await call(ready, "http://localhost/api/health/ready");
    expect(fine.status).toBe(200);
    expect((await fine.json()).status).toBe("ready");
  });

  it("readiness: 503 not_ready when the migrations are not applied", async () => {
    await db.execute(sql`alter table drizzle.__drizzle_migrations rename to __drizzle_migrations_hidden`);
    try {
      const response = await call(ready, "http://localhost/api/health/ready");
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: "not_ready", checks: { migrations: { ok: false } } });
    } finally {
      await db.execute(sql`alter table drizzle.__drizzle_migrations_hidden rename to __drizzle_migrations`);
    }
  });
});

afterAll(() => {
  delete process.env.METRICS_TOKEN;
});

import { expect, test } from "@playwright/test";
import { logIn } from "./support";

test("every answer refuses sniffing, framing and off-site referrers; personal data is never stored", async ({ page, request }) => {
  for (const path of ["/login", "/api/dashboard/overview"]) {
    const headers = (await request.get(path, { maxRedirects: 0 })).headers();
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  }
  await logIn(page, "viewer@demo.local");
  const list = await page.request.get("/api/dashboard/interventions");
  expect(list.status()).toBe(200);
  expect(list.headers()["cache-control"]).toBe("no-store");
});

test("the login page sends nobody off-site and never answers 500 for its callback", async ({ page, request }) => {
  for (const callback of ["%2F%0A%2Fx", "%2F%09%2F127.0.0.1:4200%2Fx"]) {
    expect((await request.get(`/login?callbackUrl=${callback}`, { maxRedirects: 0 })).status()).toBe(200);
  }
  await logIn(page, "viewer@demo.local");
  for (const callback of ["%2F%09%2F127.0.0.1:4200%2Fx", "%2F%0A%2Fx", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example%2F"]) {
    const answer = await page.request.get(`/login?callbackUrl=${callback}`, { maxRedirects: 0 });
    expect(answer.status()).toBe(307);
    expect(answer.headers()["location"]).toBe("/overview");
  }
  const kept = await page.request.get(`/login?callbackUrl=${encodeURIComponent("/attention?x=1")}`, { maxRedirects: 0 });
  expect(kept.headers()["location"]).toBe("/attention?x=1");
});

test("signing out revokes the session: its cookie no longer opens anything", async ({ page }) => {
  await logIn(page, "operator@demo.local");
  const cookies = await page.context().cookies();
  expect((await page.request.get("/api/dashboard/overview")).status()).toBe(200);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.context().addCookies(cookies);
  expect((await page.request.get("/api/dashboard/overview")).status()).toBe(401);
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/login/);
});

test("a path that does not decode is a 400 problem naming the parameter, not a bare 500", async ({ request }) => {
  for (const [path, parameter] of [
    ["/api/interventions/%FF", "reference"],
    ["/api/interventions/%C0%AE%C0%AE/sync-status", "reference"],
    ["/api/dashboard/interventions/%FF", "reference"],
    ["/files/documents/%C0%AE%C0%AE", "path"],
  ] as const) {
    const answer = await request.get(path, { maxRedirects: 0 });
    expect(answer.status(), path).toBe(400);
    expect(answer.headers()["content-type"]).toBe("application/problem+json");
    expect(await answer.json()).toMatchObject({ code: "malformed_request", errors: [{ field: parameter }] });
  }
});

test("a method a route does not have is a 405 problem listing those it has, TRACE included", async ({ request }) => {
  for (const [method, path, allow] of [
    ["TRACE", "/api/health/live", "GET, HEAD, OPTIONS"],
    ["TRACE", "/api/interventions/INT-1", "GET, HEAD, OPTIONS, PATCH, PUT"],
    ["PROPFIND", "/api/dashboard/overview", "GET, HEAD, OPTIONS"],
    ["PUT", "/api/health/live", "GET, HEAD, OPTIONS"],
    ["DELETE", "/files/documents/x.pdf", "GET, HEAD, OPTIONS"],
  ] as const) {
    const answer = await request.fetch(path, { method, maxRedirects: 0 });
    expect(answer.status(), `${method} ${path}`).toBe(405);
    expect(answer.headers()["allow"], `${method} ${path}`).toBe(allow);
    expect(answer.headers()["content-type"]).toBe("application/problem+json");
  }
  const options = await request.fetch("/api/admin/users", { method: "OPTIONS" });
  expect(options.status()).toBe(204);
  expect(options.headers()["allow"]).toBe("GET, HEAD, OPTIONS, POST");
});

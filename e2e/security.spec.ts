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

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import postgres from "postgres";

export const DEMO_PASSWORD = "demo-password-2026";
export const SCREENSHOTS = path.resolve(import.meta.dirname, "../test-results/screenshots");

/** The product's database, for arranging states the tests start from (see e2e/README in the report). */
export function database() {
  return postgres(process.env.E2E_DATABASE_URL!, { max: 2, onnotice: () => {} });
}

export async function logIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/);
}

export async function screenshot(page: Page, name: string) {
  await mkdir(SCREENSHOTS, { recursive: true });
  // Let pending requests settle so the picture shows data, not spinners.
  await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

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
  await expect(page.getByRole("status").filter({ hasText: /^(Loading|Chargement)/ })).toHaveCount(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * A publication that has spent its retry budget: an installed intervention whose signatures were
 * missing gets them, and its publication is marked failed the way the worker leaves it after the
 * last automatic attempt. Its data is valid, so a manual retry can succeed.
 */
export async function arrangeFailedPublication(): Promise<string> {
  const sql = database();
  try {
    const [row] = await sql<{ id: string; reference: string }[]>`
      select i.id, i.reference from interventions i join publications p on p.intervention_id = i.id
      where i.status = 'installation_done' and p.status = 'not_ready' order by i.reference limit 1`;
    if (!row) throw new Error("the demo seed has no installed intervention awaiting signatures");
    await sql.begin(async (tx) => {
      await tx`update intervention_documents set signed_at = now() - interval '1 day' where intervention_id = ${row.id} and requires_signature`;
      await tx`update beneficiaries set contract_signed_at = coalesce(contract_signed_at, now() - interval '1 day')
               where id = (select beneficiary_id from interventions where id = ${row.id})`;
      await tx`update publications set status = 'failed', attempt_count = 8, consecutive_failures = 8,
               last_error_code = 'server_error', last_error_message = 'Symphonics answered 503 Service Unavailable',
               last_error_at = now() - interval '5 minutes', updated_at = now() where intervention_id = ${row.id}`;
      await tx`update interventions set updated_at = now() where id = ${row.id}`;
    });
    return row.reference;
  } finally {
    await sql.end();
  }
}

import { expect, test } from "@playwright/test";
import { arrangeFailedPublication, database, logIn, screenshot } from "./support";

/**
 * The staff failure path: every publication that is not published says why in words, and offers
 * the way out. The demo seed stages each state on purpose (db/seed.ts); these tests start from it.
 */
async function seeded(where: "retrying" | "postponed" | "rejected"): Promise<string> {
  const sql = database();
  try {
    const condition =
      where === "rejected"
        ? sql`p.status = 'needs_review' and p.dossier_status = 'rejected'`
        : where === "retrying"
          ? sql`p.status = 'retrying' and p.next_attempt_at > now() + interval '5 minutes'`
          : sql`p.status = 'queued' and p.next_attempt_at > now() + interval '5 minutes'`;
    const [row] = await sql<{ reference: string }[]>`
      select i.reference from interventions i join publications p on p.intervention_id = i.id where ${condition} order by i.reference limit 1`;
    if (!row) throw new Error(`the demo seed has no ${where} publication`);
    return row.reference;
  } finally {
    await sql.end();
  }
}

async function setCircuit(state: "open" | "closed") {
  const sql = database();
  try {
    await sql`insert into circuit_breakers (name) values ('symphonics') on conflict (name) do nothing`;
    if (state === "open") {
      await sql`update circuit_breakers set state = 'open', consecutive_failures = 10, opened_at = now(), probe_at = now() + interval '5 minutes' where name = 'symphonics'`;
    } else {
      await sql`update circuit_breakers set state = 'closed', consecutive_failures = 0, opened_at = null, probe_at = null where name = 'symphonics'`;
    }
  } finally {
    await sql.end();
  }
}

test("Retry now during a scheduled backoff sends it at once: published within 15 s", async ({ page }) => {
  const reference = await seeded("retrying");
  await logIn(page, "operator@demo.local");
  await page.goto(`/interventions/${encodeURIComponent(reference)}`);
  await expect(page.locator("#sync-explanation")).toContainText(/^Next automatic attempt at .+ \(attempt 4; retries stop on .+\)\.$/);
  // The last exchange in words, who made it, and the raw answer behind "details".
  await expect(page.getByRole("cell", { name: /Symphonics' gateway did not reach its servers \(HTTP 502\)/ }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "Automatic retry" }).first()).toBeVisible();
  await screenshot(page, "staff-retrying-explained");

  await page.getByRole("button", { name: "Retry now" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Retry now" }).click();
  const started = Date.now();
  await expect(page.locator("h1 + span", { hasText: "Published" })).toBeVisible({ timeout: 15_000 });
  expect(Date.now() - started).toBeLessThan(15_000);
  await expect(page.getByRole("cell", { name: "operator@demo.local (Publish/Retry now)" }).first()).toBeVisible();
  await screenshot(page, "staff-retry-during-backoff-published");
});

test("with the circuit open, the page and sync-status say calls are paused and when the next trial call is", async ({ page }) => {
  const reference = await seeded("postponed");
  await setCircuit("open");
  try {
    await logIn(page, "operator@demo.local");
    await page.goto(`/interventions/${encodeURIComponent(reference)}`);
    const explanation = page.locator("#sync-explanation");
    await expect(explanation).toContainText(/^Calls to Symphonics are paused since .+ after 10 failures in a row; the next trial call is at .+\.$/);
    await screenshot(page, "staff-circuit-open-explained");

    const answer = await page.evaluate(async (ref) => (await fetch(`/api/interventions/${encodeURIComponent(ref)}/sync-status`)).json(), reference);
    expect(answer.explanation.code).toBe("circuit_open");
    expect(new Date(answer.explanation.times.t1).getTime()).toBeGreaterThan(Date.now());
    expect(answer.explanation.text).toContain(answer.explanation.times.t1);
    // The page writes the same instant in the reader's zone.
    await expect(explanation.locator("time").nth(1)).toHaveAttribute("datetime", answer.explanation.times.t1);

    // Retry now warns before it is asked that nothing goes out yet.
    await page.getByRole("button", { name: /Publish now|Retry now/ }).click();
    await expect(page.getByRole("dialog")).toContainText("it cannot go out yet: Calls to Symphonics are paused since");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  } finally {
    await setCircuit("closed");
  }
});

test("a rejected dossier: its files are checked, then it is marked resolved and leaves Needs attention", async ({ page }) => {
  const reference = await seeded("rejected");
  await logIn(page, "operator@demo.local");
  await page.getByRole("link", { name: "Needs attention" }).click();
  await page.getByRole("tab", { name: "Rejected" }).click();
  const row = page.getByRole("row").filter({ hasText: reference });
  await expect(row).toContainText("Symphonics rejected dossier DOS-DEMO-REJ-");
  await row.getByRole("link", { name: reference }).click();

  await expect(page.getByRole("heading", { name: "Symphonics rejected this dossier" })).toBeVisible();
  await expect(page.getByText("Retry now is not possible:")).toBeVisible();
  await page.getByRole("button", { name: "Check the files" }).click();
  await expect(page.getByText(/^All \d+ files download through their links/)).toBeVisible();
  await screenshot(page, "staff-rejected-files-checked");

  await page.getByLabel("How was it settled? (required)").fill("Symphonics support fetched the files again; dossier accepted on their side.");
  await page.getByRole("button", { name: "Mark resolved" }).click();
  await expect(page.getByRole("heading", { name: "Rejection resolved" })).toBeVisible();
  await expect(page.getByText("Marked resolved by operator@demo.local")).toBeVisible();
  await expect(page.locator("h1 + span", { hasText: "Resolved" })).toBeVisible();
  await screenshot(page, "staff-rejected-resolved");

  await page.getByRole("link", { name: "Needs attention" }).click();
  await page.getByRole("tab", { name: "Rejected" }).click();
  await expect(page.getByRole("row").filter({ hasText: reference })).toHaveCount(0);
});

test("an alert leads to its intervention, and an operator acknowledges it off the overview", async ({ page }) => {
  const reference = await seeded("rejected").catch(() => arrangeFailedPublication());
  const message = `E2E: ${reference} needs a look`;
  const sql = database();
  try {
    await sql`insert into alerts (kind, group_key, severity, message, intervention_id)
              select 'e2e_check', ${`e2e:${reference}:${Date.now()}`}, 'warning', ${message}, id from interventions where reference = ${reference}`;
  } finally {
    await sql.end();
  }
  await logIn(page, "operator@demo.local");
  const alerts = page.getByRole("region", { name: "Open alerts" });
  await expect(alerts.getByRole("link", { name: message })).toBeVisible();
  await screenshot(page, "staff-overview-alerts");
  await alerts.getByRole("link", { name: message }).click();
  await expect(page.getByRole("heading", { name: reference })).toBeVisible();

  await page.getByRole("link", { name: "Overview" }).click();
  await alerts.getByRole("button", { name: `Acknowledge: ${message}` }).click();
  await expect(alerts.getByText(message)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Integration health" })).toBeVisible();
  await expect(page.getByText(message)).toHaveCount(0);
  await screenshot(page, "staff-overview-alert-acknowledged");
});

test("a bulk retry shows one row per intervention, and select-all leaves out what cannot be retried, saying why", async ({ page }) => {
  const references = [await arrangeFailedPublication(), await arrangeFailedPublication()];
  await logIn(page, "operator@demo.local");
  await page.getByRole("link", { name: "Needs attention" }).click();
  for (const reference of references) await expect(page.getByRole("row").filter({ hasText: reference })).toBeVisible();
  await expect(page.locator("#left-out")).toContainText(/^\d+ of \d+ on this page cannot be retried, so selecting every row leaves them out:/);
  await expect(page.locator("#left-out")).toContainText("Its data must be corrected first");

  await page.getByRole("checkbox", { name: "Select every row on this page that can be retried" }).check();
  const retry = page.getByRole("button", { name: /^Retry selected \(\d+\)$/ });
  const selected = Number((await retry.textContent())!.match(/\((\d+)\)/)![1]);
  expect(selected).toBeGreaterThanOrEqual(references.length);
  await retry.click();
  await page.getByRole("dialog").getByRole("button", { name: "Retry selected" }).click();

  const result = page.getByRole("table", { name: "Result of the bulk retry" });
  await expect(result.getByRole("row")).toHaveCount(selected + 1);
  for (const reference of references) {
    await expect(result.getByRole("row").filter({ hasText: reference })).toContainText("Retry requested");
    await expect(result.getByRole("row").filter({ hasText: reference })).toContainText("Queued to be sent now");
  }
  await screenshot(page, "staff-bulk-retry-result");
});

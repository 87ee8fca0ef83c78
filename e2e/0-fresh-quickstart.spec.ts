import { expect, test } from "@playwright/test";
import { database, logIn, screenshot } from "./support";

/**
 * The product as a new user first meets it: the quickstart, on a fresh database, with its demo
 * data (e2e/web-server.ts runs `npm start -- --production`). The first file of the run (hence its
 * name): later tests retry, resolve and publish some of the demo's publications.
 */
const ledgerUrl = `http://127.0.0.1:${process.env.E2E_SANDBOX_PORT}/_sandbox/ledger`;
/** Dossiers the seed staged and the quickstart registered in the sandbox as they stand; the others the worker sent. */
const isStaged = (dossier: { id: string }) => dossier.id.startsWith("DOS-DEMO-");

interface Ledger {
  dossiers: { id: string; externalReference: string; status: string; rejectionReason: string | null }[];
  webhooks: { delivered: boolean }[];
}

/** Each state the demo stages or lets the pipeline reach, and how to find one of it. */
const states = [
  { name: "published-accepted", code: "published", text: /Symphonics accepted it|accepted/, where: "p.status = 'published' and p.dossier_status = 'accepted'" },
  { name: "published-processing", code: "published", text: /Symphonics is checking it/, where: "p.status = 'published' and p.dossier_status = 'processing'" },
  { name: "queued", code: "postponed", text: /^Postponed: the next attempt is at /, where: "p.status = 'queued' and p.next_attempt_at > now()" },
  { name: "retrying", code: "retry_scheduled", text: /^Next automatic attempt at .+ \(attempt \d+; retries stop on .+\)\.$/, where: "p.status = 'retrying' and p.next_attempt_at > now()" },
  { name: "failed", code: "gave_up", text: /^Gave up after 24 h and 31 attempts/, where: "p.status = 'failed' and p.attempt_count = 31" },
  { name: "needs-review-local", code: "needs_review", text: /^The data must be corrected in the workforce application/, where: "p.status = 'needs_review' and p.dossier_id is null and p.last_error_code is distinct from 'validation_failed'" },
  { name: "needs-review-422", code: "needs_review", text: /^Symphonics refused some values/, where: "p.status = 'needs_review' and p.last_error_code = 'validation_failed'" },
  { name: "rejected", code: "rejected", text: /^Symphonics rejected dossier DOS-DEMO-REJ-/, where: "p.status = 'needs_review' and p.dossier_status = 'rejected'" },
  { name: "not-ready-awaiting-signature", code: "not_ready", text: /^Not sent yet/, where: "p.status = 'not_ready' and i.status = 'installation_done'" },
  { name: "cancelled", code: "cancelled", text: /^The intervention was cancelled: it will never be sent/, where: "i.status = 'cancelled'" },
] as const;

async function referenceOf(where: string): Promise<string | undefined> {
  const sql = database();
  try {
    const [row] = await sql.unsafe<{ reference: string }[]>(`select i.reference from interventions i join publications p on p.intervention_id = i.id where ${where} order by i.reference limit 1`);
    return row?.reference;
  } finally {
    await sql.end();
  }
}

/** The demo's first publications have all gone out and Symphonics has settled every dossier it got. */
async function settled(): Promise<{ underway: number; unsettled: number; ledger: Ledger }> {
  const sql = database();
  try {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from publications
      where status in ('queued', 'in_progress') or (status = 'retrying' and next_attempt_at <= now() + interval '1 minute')`;
    // The web app answers first; the quickstart starts the sandbox and the worker after it.
    const ledger = (await fetch(ledgerUrl).then((response) => response.json(), () => null)) as Ledger | null;
    if (!ledger) return { underway: 1, unsettled: 1, ledger: { dossiers: [], webhooks: [] } };
    const unsettled = ledger.dossiers.filter((dossier) => !isStaged(dossier) && !["accepted", "rejected"].includes(dossier.status)).length + ledger.webhooks.filter((webhook) => !webhook.delivered).length;
    // The postponed showcase is queued on purpose, with an attempt far ahead.
    const [postponed] = await sql<{ n: number }[]>`select count(*)::int as n from publications where status = 'queued' and next_attempt_at > now() + interval '5 minutes'`;
    return { underway: row!.n - postponed!.n, unsettled, ledger };
  } finally {
    await sql.end();
  }
}

test("a fresh quickstart shows every state on purpose, and no dossier rejected by accident", async ({ page }) => {
  test.setTimeout(240_000);
  await expect.poll(async () => { const s = await settled(); return s.underway + s.unsettled; }, { timeout: 180_000, intervals: [1_000] }).toBe(0);
  const { ledger } = await settled();
  // Every dossier the worker sent was fetched whole: the files route was ready before the first one.
  const sent = ledger.dossiers.filter((dossier) => !isStaged(dossier));
  expect(sent.length).toBeGreaterThan(100);
  expect(sent.filter((dossier) => dossier.status === "rejected")).toEqual([]);
  // The staged ones are known to the sandbox, so the workers' status lookups find them.
  expect(ledger.dossiers.filter(isStaged).map((dossier) => `${dossier.id} ${dossier.status}`).sort()).toEqual([
    "DOS-DEMO-PRO-1 processing",
    "DOS-DEMO-PRO-2 processing",
    "DOS-DEMO-REJ-1 rejected",
    "DOS-DEMO-REJ-2 rejected",
  ]);
  const sql = database();
  try {
    const rejected = await sql<{ dossier_id: string }[]>`select dossier_id from publications where dossier_status = 'rejected' order by dossier_id`;
    expect(rejected.map((row) => row.dossier_id)).toEqual(["DOS-DEMO-REJ-1", "DOS-DEMO-REJ-2"]);
  } finally {
    await sql.end();
  }

  await logIn(page, "operator@demo.local");
  await page.goto("/interventions");
  const chips = page.getByRole("group", { name: /Synchronisation state/ });
  for (const label of ["Not ready", "Queued", "Retrying", "Published", "Needs review", "Failed"]) {
    await expect(chips.getByText(new RegExp(`^${label}\\s*[1-9]\\d*`))).toBeVisible();
  }
  await screenshot(page, "quickstart-interventions-totals");

  for (const state of states) {
    const reference = await referenceOf(state.where);
    expect(reference, `the demo has a ${state.name} publication`).toBeTruthy();
    await page.goto(`/interventions/${encodeURIComponent(reference!)}`);
    await expect(page.getByRole("heading", { name: reference })).toBeVisible();
    await expect(page.locator("#sync-explanation"), state.name).toContainText(state.text);
    const answer = await page.evaluate(async (ref) => (await fetch(`/api/interventions/${encodeURIComponent(ref)}/sync-status`)).json(), reference!);
    expect(answer.explanation.code, state.name).toBe(state.code);
    await screenshot(page, `quickstart-${state.name}`);
  }
});

test("the API reference sits under the application's navigation, with a request sample beside each operation", async ({ page }) => {
  await logIn(page, "viewer@demo.local");
  await page.getByRole("link", { name: "API reference" }).click();
  await expect(page).toHaveURL(/\/api-reference$/);
  const nav = page.getByRole("navigation", { name: "Main" }).first();
  await expect(nav.getByRole("link", { name: "Interventions" })).toBeVisible();
  await expect(page.getByText(/curl/i).first()).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "quickstart-api-reference");
  await nav.getByRole("link", { name: "Interventions" }).click();
  await expect(page.getByRole("heading", { name: "Interventions" })).toBeVisible();
});

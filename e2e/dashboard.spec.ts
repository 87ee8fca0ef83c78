import { expect, test } from "@playwright/test";
import { arrangeFailedPublication, logIn, screenshot } from "./support";

test("a logged-out visitor is sent to the login page, and the APIs answer 401", async ({ page, request }) => {
  await page.goto("/interventions?publication=failed");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Finterventions%3Fpublication%3Dfailed$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await screenshot(page, "login");
  const api = await request.get("/api/dashboard/overview");
  expect(api.status()).toBe(401);
  expect(api.headers()["content-type"]).toBe("application/problem+json");
});

test("a wrong password is refused with a readable message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("operator@demo.local");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "wrong" })).toHaveText("The email or the password is wrong, or there were too many attempts: wait a few minutes and try again.");
  await expect(page).toHaveURL(/\/login/);
});

test("an operator filters to failed publications, opens one, retries it and sees it published", async ({ page }) => {
  const reference = await arrangeFailedPublication();
  await logIn(page, "operator@demo.local");
  await expect(page.getByRole("heading", { name: "Integration health" })).toBeVisible();
  await screenshot(page, "overview");

  await page.getByRole("link", { name: /^Failed\s*\d+/ }).click();
  await expect(page).toHaveURL(/\/interventions\?publication=failed$/);
  await expect(page.getByRole("checkbox", { name: "Failed" })).toBeChecked();
  const row = page.getByRole("row").filter({ hasText: reference });
  await expect(row).toBeVisible();
  await expect(row.getByText("Failed", { exact: true })).toBeVisible();
  await screenshot(page, "interventions-failed");

  await row.getByRole("link", { name: reference }).click();
  await expect(page.getByRole("heading", { name: reference })).toBeVisible();
  // The last error in words; its raw code and message behind "details".
  await page.getByText("details", { exact: true }).first().click();
  await expect(page.getByText("Symphonics answered 503 Service Unavailable")).toBeVisible();
  await screenshot(page, "intervention-failed");

  await page.getByRole("button", { name: "Retry now" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("attempted 8 times before");
  await dialog.getByRole("button", { name: "Retry now" }).click();
  await expect(page.getByText(/^Requested — now (queued|sending|published)/)).toBeVisible();
  // The worker sends it to the sandbox; the page follows without a reload.
  await expect(page.locator("h1 + span", { hasText: "Published" })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("Not created yet")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Retry now" })).toHaveCount(0);
  await screenshot(page, "intervention-published");
});

test("an operator retries a selection, then everything that failed since a time, from Needs attention", async ({ page }) => {
  const references = [await arrangeFailedPublication(), await arrangeFailedPublication(), await arrangeFailedPublication()];
  await logIn(page, "operator@demo.local");
  await page.getByRole("link", { name: "Needs attention" }).click();
  await page.getByRole("tab", { name: "Failed" }).click();
  for (const reference of references) await expect(page.getByRole("row").filter({ hasText: reference })).toContainText("Gave up after 24 h and 8 attempts");
  await screenshot(page, "needs-attention");

  await page.getByRole("checkbox", { name: `Select ${references[0]}` }).check();
  await page.getByRole("button", { name: "Retry selected (1)" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Retry selected" }).click();
  await expect(page.getByText("1 of 1 retries requested.")).toBeVisible();
  // Off the list (the bulk retry's result table, above it, still names it).
  const list = page.getByRole("region", { name: "Publications needing attention" });
  await expect(list.getByRole("row").filter({ hasText: references[0] })).toHaveCount(0);

  const anHourAgo = new Date(Date.now() - 3_600_000);
  const local = new Date(anHourAgo.getTime() - anHourAgo.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await page.getByLabel("Failed since (your time)").fill(local);
  await page.getByRole("button", { name: "Retry everything failed since…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Retry them all" }).click();
  await expect(page.getByText(/^\d+ of \d+ retries requested\.$/)).toBeVisible();
  for (const reference of references) await expect(list.getByRole("row").filter({ hasText: reference })).toHaveCount(0);
});

test("a viewer sees no publish buttons and the publish endpoint refuses them with 403", async ({ page }) => {
  await logIn(page, "viewer@demo.local");
  await page.goto("/interventions?publication=needs_review,not_ready");
  const link = page.getByRole("row").nth(1).getByRole("link");
  const reference = (await link.textContent())!.trim();
  await link.click();
  await expect(page.getByRole("heading", { name: reference })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Synchronisation with Symphonics" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Publish now|Retry now/ })).toHaveCount(0);
  await page.goto("/attention");
  await expect(page.getByRole("button", { name: /Retry/ })).toHaveCount(0);

  // The same session, from the page itself, calling the endpoint the buttons would call.
  const answer = await page.evaluate(async (ref) => {
    const response = await fetch(`/api/interventions/${encodeURIComponent(ref)}/publish`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    return { status: response.status, body: await response.json() };
  }, reference);
  expect(answer.status).toBe(403);
  expect(answer.body).toMatchObject({ code: "forbidden" });
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "Administrators only" })).toBeVisible();

  // Readable on a tablet: the same pages at 820 × 1180.
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.goto("/overview");
  await expect(page.getByRole("heading", { name: "Integration health" })).toBeVisible();
  await screenshot(page, "overview-tablet");
  await page.goto(`/interventions/${encodeURIComponent(reference)}`);
  await expect(page.getByRole("heading", { name: reference })).toBeVisible();
  await screenshot(page, "intervention-tablet-viewer");
});

test("an admin creates a user, who can then sign in", async ({ page, browser }) => {
  const email = `new.operator.${Date.now()}@demo.local`;
  await logIn(page, "admin@demo.local");
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Name", { exact: true }).fill("Nouvel Opérateur");
  await page.getByLabel("Role", { exact: true }).selectOption("operator");
  await page.getByLabel("Initial password").fill("a long initial password");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status").filter({ hasText: `${email} can now sign in.` })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("Active");
  await screenshot(page, "admin-users");

  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await screenshot(page, "admin-tokens");

  const other = await browser.newContext();
  const newcomer = await other.newPage();
  await logIn(newcomer, email, "a long initial password");
  await expect(newcomer.getByText(email)).toBeVisible();
  await other.close();
});

test("signing out ends the session", async ({ page }) => {
  await logIn(page, "operator@demo.local");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/login/);
});

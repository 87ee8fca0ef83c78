import { expect, test, type Page } from "@playwright/test";
import { arrangeFailedPublication, database, DEMO_PASSWORD, screenshot } from "./support";

/**
 * The same walk in French (the staff's language: a browser asking for French, or the choice
 * stored from the header) and in English: sign in, the overview, a failed publication retried,
 * Needs attention. The demo users choose no language, so each walk's browser locale decides.
 */
const WORDS = {
  fr: {
    email: "E-mail",
    password: "Mot de passe",
    signIn: "Se connecter",
    health: "Santé de l'intégration",
    alerts: "Alertes ouvertes",
    alert: (reference: string) => `Symphonics a rejeté le dossier E2E-I18N-DOSSIER de ${reference} (photo_unreachable).`,
    failedCard: /^En échec\s*\d+/,
    retry: "Relancer maintenant",
    attemptedBefore: "8 tentatives ont déjà eu lieu",
    requested: /^Demandé — désormais (en file|envoi en cours|publiée)/,
    published: "Publiée",
    attention: "À traiter",
    attentionIntro: "Les publications qu'une personne doit examiner",
  },
  en: {
    email: "Email",
    password: "Password",
    signIn: "Sign in",
    health: "Integration health",
    alerts: "Open alerts",
    alert: (reference: string) => `Symphonics rejected the dossier E2E-I18N-DOSSIER of ${reference} (photo_unreachable).`,
    failedCard: /^Failed\s*\d+/,
    retry: "Retry now",
    attemptedBefore: "attempted 8 times before",
    requested: /^Requested — now (queued|sending|published)/,
    published: "Published",
    attention: "Needs attention",
    attentionIntro: "Publications a person must look at",
  },
} as const;

async function walk(page: Page, language: keyof typeof WORDS) {
  const words = WORDS[language];
  const reference = await arrangeFailedPublication();
  // An alert as the pipeline raises it: its sentence's key and arguments, and the English text.
  const sql = database();
  try {
    await sql`insert into alerts (kind, group_key, severity, message, message_key, message_values, intervention_id)
              select 'e2e_i18n', ${`e2e_i18n:${reference}`}, 'warning', ${WORDS.en.alert(reference)}, 'dossierRejected',
                     ${sql.json({ dossierId: "E2E-I18N-DOSSIER", reference, reason: "photo_unreachable" })}, id
              from interventions where reference = ${reference}`;
  } finally {
    await sql.end();
  }

  await page.goto("/login");
  await expect(page.locator("html")).toHaveAttribute("lang", language);
  await page.getByLabel(words.email).fill("operator@demo.local");
  await page.getByLabel(words.password).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: words.signIn }).click();
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByRole("heading", { name: words.health })).toBeVisible();
  await expect(page.getByRole("region", { name: words.alerts }).getByRole("link", { name: words.alert(reference) })).toBeVisible();
  await screenshot(page, `${language}-overview`);

  await page.getByRole("link", { name: words.failedCard }).click();
  await expect(page.getByRole("row").filter({ hasText: reference })).toBeVisible();
  await page.getByRole("link", { name: reference }).click();
  await expect(page.getByRole("heading", { name: reference })).toBeVisible();
  await screenshot(page, `${language}-intervention-failed`);

  await page.getByRole("button", { name: words.retry }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(words.attemptedBefore);
  await dialog.getByRole("button", { name: words.retry }).click();
  await expect(page.getByText(words.requested)).toBeVisible();
  await expect(page.locator("h1 + span", { hasText: words.published })).toBeVisible({ timeout: 60_000 });
  await screenshot(page, `${language}-intervention-published`);

  await page.getByRole("link", { name: words.attention }).click();
  await expect(page.getByRole("heading", { name: words.attention })).toBeVisible();
  await expect(page.getByText(words.attentionIntro)).toBeVisible();
  await screenshot(page, `${language}-attention`);
}

test.describe("in French", () => {
  test.use({ locale: "fr-FR" });
  test("an operator signs in, sees the overview, retries a failed publication and opens Needs attention, in French", async ({ page }) => {
    await walk(page, "fr");
  });
});

test.describe("in English", () => {
  test.use({ locale: "en-GB" });
  test("the same pages in English", async ({ page }) => {
    await walk(page, "en");
  });
});

test.describe("the header's language switch", () => {
  test.use({ locale: "fr-FR" });
  test.afterEach(async () => {
    const sql = database();
    // The other specs' operator follows the browser again.
    await sql`update users set locale = null where email = 'operator@demo.local'`.finally(() => sql.end());
  });

  test("stores the choice with the staff member: it follows them whatever the browser asks", async ({ page, browser }) => {
    await page.goto("/login");
    await page.getByLabel("E-mail").fill("operator@demo.local");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await expect(page.getByRole("heading", { name: "Vue d'ensemble" })).toBeVisible();
    await page.getByRole("group", { name: "Langue" }).getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");

    // Another browser asking for French: the stored choice wins once signed in.
    const other = await browser.newPage({ locale: "fr-FR" });
    await other.goto("/login");
    await other.getByLabel("E-mail").fill("operator@demo.local");
    await other.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await other.getByRole("button", { name: "Se connecter" }).click();
    await expect(other.getByRole("heading", { name: "Overview" })).toBeVisible();
    await other.close();
  });
});

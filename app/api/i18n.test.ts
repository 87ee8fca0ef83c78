import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { alerts, interventions, publications, users } from "@/db/schema";
import { raiseAlert } from "@/lib/alerts/alerts";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { setOwnLocale } from "@/lib/auth/preferences";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { openApiDocument } from "@/lib/openapi/document";
import { PUT as putLocale } from "./me/locale/route";
import { GET as syncStatus } from "./interventions/[reference]/sync-status/route";
import { POST as publishNow } from "./interventions/[reference]/publish/route";
import { GET as dashboardOverview } from "./dashboard/overview/route";
import { GET as dashboardAttention } from "./dashboard/attention/route";
import { GET as dashboardIntervention } from "./dashboard/interventions/[reference]/route";

/**
 * API answers for programs stay the same in every language: the problem's code and the field
 * names never change, its title and detail and the sync-status explanation follow Accept-Language.
 */
const { db } = await useTestDatabase();
let token: string;

beforeAll(async () => {
  token = (await createApiToken(db, "reader", "viewer")).token;
  await putIntervention(db, "I18N-1", sampleInterventionInput({ status: "installation_done" }), systemPrincipal);
  const [row] = await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, "I18N-1"));
  await db.update(publications).set({ status: "failed", attemptCount: 8, lastErrorCode: "http_503", firstFailureAt: new Date(Date.now() - 86_400_000), lastErrorAt: new Date() }).where(eq(publications.interventionId, row!.id));
});

const ask = (reference: string, acceptLanguage?: string) =>
  syncStatus(
    new Request(`http://localhost/api/interventions/${reference}/sync-status`, { headers: { authorization: `Bearer ${token}`, ...(acceptLanguage ? { "accept-language": acceptLanguage } : {}) } }),
    { params: Promise.resolve({ reference }) },
  );

describe("the language of API answers", () => {
  it("a problem's title and detail follow Accept-Language; its code never changes", async () => {
    const french = await ask("I18N-NONE", "fr-FR,fr;q=0.9");
    expect(french.status).toBe(404);
    expect(french.headers.get("content-language")).toBe("fr");
    expect(await french.json()).toMatchObject({ code: "not_found", title: "Introuvable", detail: "Aucune intervention n'a la référence I18N-NONE." });
    const english = await ask("I18N-NONE", "en-GB");
    expect(await english.json()).toMatchObject({ code: "not_found", title: "Not found", detail: "No intervention has the reference I18N-NONE." });
    // A program that asks for no language gets English, as it always did.
    expect(await (await ask("I18N-NONE")).json()).toMatchObject({ title: "Not found" });
  });

  it("a refused Publish now says why in the caller's language, with the same code and fields", async () => {
    await putIntervention(db, "I18N-SCHEDULED", sampleInterventionInput({ status: "scheduled" }), systemPrincipal);
    const operator = (await createApiToken(db, "operator", "operator")).token;
    const publish = (acceptLanguage: string) =>
      publishNow(
        new Request("http://localhost/api/interventions/I18N-SCHEDULED/publish", { method: "POST", headers: { authorization: `Bearer ${operator}`, "accept-language": acceptLanguage } }),
        { params: Promise.resolve({ reference: "I18N-SCHEDULED" }) },
      );
    const french = await (await publish("fr")).json();
    const english = await (await publish("en")).json();
    expect(french).toMatchObject({ code: "validation_failed", detail: "I18N-SCHEDULED ne peut pas encore être publiée." });
    expect(english).toMatchObject({ code: "validation_failed", detail: "I18N-SCHEDULED cannot be published yet." });
    expect(french.errors.map((error: { field: string }) => error.field)).toEqual(english.errors.map((error: { field: string }) => error.field));
  });

  it("names invalid fields by their field names in every language", async () => {
    const response = await ask("bad%20ref!", "fr");
    const body = await response.json();
    expect(response.status).toBe(422);
    expect(body).toMatchObject({ code: "validation_failed", title: "Validation échouée", detail: "1 champ est invalide" });
    expect(body.errors.map((error: { field: string }) => error.field)).toEqual(["reference"]);
  });

  it("the sync-status explanation follows Accept-Language, with the same code and times", async () => {
    const french = await (await ask("I18N-1", "fr")).json();
    const english = await (await ask("I18N-1", "en")).json();
    expect(french.explanation.code).toBe("gave_up");
    expect(english.explanation.code).toBe("gave_up");
    expect(english.explanation.text).toMatch(/^Gave up after 24 h and 8 attempts: Symphonics had a server error \(HTTP 503\)\. Retry now/);
    expect(french.explanation.text).toMatch(/^Abandon après 24 h et 8 tentatives : Symphonics a eu une erreur serveur \(HTTP 503\)\. Relancer maintenant/);
    expect(french.status).toBe(english.status);
  });

  it("says why a publication is not ready, in the eligibility checks' words of that language", async () => {
    await putIntervention(db, "I18N-2", sampleInterventionInput({ status: "scheduled" }), systemPrincipal);
    const french = await (await ask("I18N-2", "fr")).json();
    expect(french.explanation.code).toBe("not_ready");
    expect(french.explanation.text).toContain("L'installation n'est pas encore terminée (statut : planifiée).");
    expect((await (await ask("I18N-2")).json()).explanation.text).toContain("The installation is not done yet (status: scheduled).");
  });
});

describe("the overview's alerts", () => {
  const overviewIn = async (acceptLanguage?: string) => {
    const response = await dashboardOverview(
      new Request("http://localhost/api/dashboard/overview?range=24h&tz=UTC", { headers: { authorization: `Bearer ${token}`, ...(acceptLanguage ? { "accept-language": acceptLanguage } : {}) } }),
      undefined as never,
    );
    expect(response.status).toBe(200);
    return (await response.json()) as { alerts: { kind: string; message: string }[] };
  };
  const messageOf = (body: { alerts: { kind: string; message: string }[] }, kind: string) => body.alerts.find((alert) => alert.kind === kind)?.message;

  it("are told in the reader's language, from the sentence's key; an alert stored without one as it was stored", async () => {
    const [row] = await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, "I18N-1"));
    await raiseAlert(db, {
      kind: "publication_failed",
      groupKey: `publication_failed:${row!.id}`,
      severity: "critical",
      message: { key: "publicationFailed", values: { reference: "I18N-1", attempts: 8, code: "http_503", error: "503 from Symphonics" } },
      interventionId: row!.id,
    });
    await raiseAlert(db, { kind: "webhooks_silent_demo", groupKey: "webhook:silent", severity: "warning", message: { key: "webhooksSilent", values: { minutes: 90, dossiers: 1 } } });
    // Raised before alerts carried a key: no key, its English sentence only.
    await db.insert(alerts).values({ kind: "legacy", groupKey: "legacy:1", severity: "warning", message: "An alert from an older version." });

    const english = "The publication of I18N-1 failed for good after 8 attempts (last: http_503, 503 from Symphonics); it is kept for manual resolution.";
    const [stored] = await db.select().from(alerts).where(eq(alerts.kind, "publication_failed"));
    expect(stored).toMatchObject({ message: english, messageKey: "publicationFailed", messageValues: { reference: "I18N-1", attempts: "8", code: "http_503", error: "503 from Symphonics" } });

    const french = await overviewIn("fr-FR,fr;q=0.9");
    expect(messageOf(french, "publication_failed")).toBe(
      "La publication de I18N-1 a définitivement échoué après 8 tentatives (dernière : http_503, 503 from Symphonics) ; elle est conservée pour une résolution manuelle.",
    );
    expect(messageOf(french, "webhooks_silent_demo")).toMatch(/^Symphonics n'a envoyé aucun webhook depuis 90 min alors que 1 dossier attend sa décision/);
    expect(messageOf(french, "legacy")).toBe("An alert from an older version.");

    expect(messageOf(await overviewIn("en"), "publication_failed")).toBe(english);
    // A program that asks for no language gets English, as it always did.
    expect(messageOf(await overviewIn(), "publication_failed")).toBe(english);
  });
});

describe("what needs attention", () => {
  it("says why in the reader's language; what it quotes from the run is as stored", async () => {
    const [row] = await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, "I18N-1"));
    await db.update(publications).set({ lastErrorMessage: "503 from Symphonics" }).where(eq(publications.interventionId, row!.id));
    const reasonIn = async (acceptLanguage: string) => {
      const response = await dashboardAttention(
        new Request("http://localhost/api/dashboard/attention?kind=failed", { headers: { authorization: `Bearer ${token}`, "accept-language": acceptLanguage } }),
        undefined as never,
      );
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: { reference: string; reason: string }[] }).items.find((item) => item.reference === "I18N-1")?.reason;
    };
    expect(await reasonIn("fr")).toBe("Abandon après 8 tentatives : 503 from Symphonics");
    expect(await reasonIn("en")).toBe("Gave up after 8 attempts: 503 from Symphonics");
  });
});

describe("the intervention's dossier problems", () => {
  it("are said in the reader's language, for the same fields", async () => {
    await putIntervention(db, "I18N-3", sampleInterventionInput({ status: "installation_done" }), systemPrincipal);
    // Data as intake may hold it: a PDL not given yet, a postal code Symphonics would refuse.
    await db.update(interventions).set({ pdl: null, postalCode: "6900" }).where(eq(interventions.reference, "I18N-3"));
    const problemsIn = async (acceptLanguage: string) => {
      const response = await dashboardIntervention(new Request("http://localhost/api/dashboard/interventions/I18N-3", { headers: { authorization: `Bearer ${token}`, "accept-language": acceptLanguage } }), {
        params: Promise.resolve({ reference: "I18N-3" }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { dossier: { ok: boolean; problems: { field: string; message: string }[] } }).dossier.problems;
    };
    // Its stored files are not in this test's file storage: missing files are said too.
    const french = await problemsIn("fr");
    const english = await problemsIn("en");
    expect(french.map((problem) => problem.field)).toEqual(english.map((problem) => problem.field));
    expect(french).toEqual(
      expect.arrayContaining([
        { field: "postal_code", message: "Le code postal 6900 doit être un code postal français de 5 chiffres, par exemple 69003." },
        { field: "pdl", message: "Le PDL (point de livraison d'électricité) manque." },
        { field: "documents[0].file_path", message: "Le fichier documents/contract.pdf est absent du stockage des fichiers." },
      ]),
    );
    expect(english).toEqual(
      expect.arrayContaining([
        { field: "postal_code", message: "The postal code 6900 must be a French postal code of 5 digits, e.g. 69003." },
        { field: "pdl", message: "The PDL (electricity delivery point) is missing." },
        { field: "documents[0].file_path", message: "The file documents/contract.pdf is missing from the file storage." },
      ]),
    );
  });
});

describe("the API reference", () => {
  it("documents Accept-Language on every operation", () => {
    const operations = Object.values(openApiDocument().paths).flatMap((path) => Object.values(path)) as { parameters?: { in: string; name: string }[] }[];
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.filter((operation) => !operation.parameters?.some((p) => p.in === "header" && p.name === "Accept-Language"))).toEqual([]);
  });
});

describe("PUT /api/me/locale", () => {
  it("refuses an API token (only staff members have a language) and a language the product does not speak", async () => {
    const send = (body: unknown) =>
      putLocale(new Request("http://localhost/api/me/locale", { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }), undefined as never);
    const unknown = await send({ locale: "de" });
    expect(unknown.status).toBe(422);
    expect((await unknown.json()).errors).toEqual([{ field: "locale", message: "must be one of fr, en, or null" }]);
    expect((await send({ locale: "fr" })).status).toBe(403);
  });

  it("stores a staff member's choice; null goes back to the browser's", async () => {
    const [user] = await db.insert(users).values({ email: "lang@example.test", name: "Lang", passwordHash: "x", role: "viewer" }).returning();
    const principal = { kind: "user" as const, id: user!.id, label: user!.email, role: user!.role };
    await setOwnLocale(db, principal, "en");
    expect((await db.select({ locale: users.locale }).from(users).where(eq(users.id, user!.id)))[0]!.locale).toBe("en");
    await setOwnLocale(db, principal, null);
    expect((await db.select({ locale: users.locale }).from(users).where(eq(users.id, user!.id)))[0]!.locale).toBeNull();
  });
});

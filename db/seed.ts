import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { count, eq, sql } from "drizzle-orm";
import type { Database, Executor } from "./client";
import { interventions, publicationAttempts, publications, webhookEvents, type InterventionStatus, type StaffRole } from "./schema";
import { raiseAlert } from "@/lib/alerts/alerts";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { createUser } from "@/lib/auth/users";
import type { InterventionInput } from "@/lib/interventions/intake-schema";
import { putIntervention } from "@/lib/interventions/intake";
import { applyDossierStatus } from "@/lib/publication/dossier-status";
import { rejectionText } from "@/lib/publication/explanations";
import { markFailed, markNeedsReview, markPostponed, markPublished, markRejected, markRetrying } from "@/lib/publication/status";

export const DEMO_PASSWORD = "demo-password-2026";
/** The dossiers the seed stages as Symphonics left them; the quickstart registers them in its sandbox. */
export const DEMO_DOSSIER_PREFIX = "DOS-DEMO-";
export const demoUsers: { email: string; name: string; role: StaffRole }[] = [
  { email: "admin@demo.local", name: "Alice Admin", role: "admin" },
  { email: "operator@demo.local", name: "Olivier Opérateur", role: "operator" },
  { email: "viewer@demo.local", name: "Véronique Lectrice", role: "viewer" },
];

const firstNames = ["Camille", "Léa", "Manon", "Chloé", "Inès", "Jeanne", "Louise", "Hugo", "Lucas", "Gabriel", "Arthur", "Jules", "Louis", "Nathan", "Théo", "Élodie", "Sébastien", "François", "Hélène", "Zoé"];
const lastNames = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "Bonnet", "Dupont", "Lambert"];
const streets = ["rue des Lilas", "avenue Jean Jaurès", "rue de la République", "boulevard Victor Hugo", "rue Pasteur", "allée des Tilleuls", "chemin des Vignes", "place de l'Église", "rue du Moulin", "impasse des Acacias"];
const cities: [string, string][] = [["69003", "Lyon"], ["13008", "Marseille"], ["31000", "Toulouse"], ["33000", "Bordeaux"], ["44000", "Nantes"], ["67000", "Strasbourg"], ["59000", "Lille"], ["35000", "Rennes"], ["21000", "Dijon"], ["01000", "Bourg-en-Bresse"], ["06000", "Nice"], ["63000", "Clermont-Ferrand"]];
/**
 * The CEE operations the demo installs, each with the equipment that operation really is and a
 * few brands and models of it, so the dossiers read like an installer's and not one repeated model.
 */
const equipmentByOperation: Record<string, { kind: string; models: [brand: string, model: string][] }> = {
  "BAR-TH-171": { kind: "Pompe à chaleur air/eau", models: [["Daikin", "Altherma 3 H HT ETBH16E"], ["Atlantic", "Alféa Excellia Duo A.I. 14"], ["Mitsubishi Electric", "Ecodan PUZ-WM112VAA"], ["Panasonic", "Aquarea WH-MXC12J9E8"]] },
  "BAR-TH-104": { kind: "Pompe à chaleur eau/eau", models: [["Viessmann", "Vitocal 200-G BWC 201.B10"], ["NIBE", "F1255-12 PC"], ["Stiebel Eltron", "WPF 10"]] },
  "BAR-TH-143": { kind: "Système solaire combiné", models: [["Viessmann", "Vitosol 200-FM SV2G"], ["De Dietrich", "Dietrisol Trio DT 400"], ["Clipsol", "Trio TSC 16"]] },
  "BAR-TH-113": { kind: "Chaudière biomasse", models: [["ÖkoFEN", "Pellematic Condens 12"], ["Hargassner", "Nano-PK 15"], ["Fröling", "PE1 Pellet 15"]] },
  "BAR-EN-101": { kind: "Isolant de combles", models: [["Isover", "IBR Nu 200 mm"], ["Knauf Insulation", "Supafil Loft 045"], ["URSA", "PureOne 32 R 200 mm"]] },
  "BAR-EN-102": { kind: "Isolant de murs", models: [["Isover", "GR 32 revêtu kraft 140 mm"], ["Rockwool", "Rockmur Kraft 145 mm"], ["Knauf Insulation", "Acoustifit 120 mm"]] },
  "BAR-EN-103": { kind: "Isolant de plancher bas", models: [["Knauf Insulation", "Thane Sol 100 mm"], ["Rockwool", "Rockplus Kraft 100 mm"], ["Efisol", "TMS SI 80 mm"]] },
  "BAR-TH-148": { kind: "Chauffe-eau thermodynamique", models: [["Thermor", "Aéromax 5 200 L"], ["Atlantic", "Explorer v4 270 L"], ["Ariston", "Nuos Plus 250"]] },
  "BAR-TH-160": { kind: "Calorifuge de réseau", models: [["Armacell", "Armaflex AF-2 19 mm"], ["Kaimann", "Kaiflex KKplus s2"], ["K-Flex", "ST 19 mm"]] },
};
const operations = Object.keys(equipmentByOperation);
const phoneWritings = [(d: string) => `06 ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6, 8)}`, (d: string) => `+33 (0)7 ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6, 8)}`, (d: string) => `06.${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}.${d.slice(6, 8)}`, (d: string) => `0033 6${d}`];

/** A small deterministic random source, so every quickstart shows the same demo set. */
function randomSource(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    digits: (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join(""),
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
  };
}

const placeholderPdf = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);
// A 1×1 grey JPEG.
const placeholderJpeg = Buffer.from(
  "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=",
  "base64",
);

/**
 * What the demo shows, by share of the set: every status and every publication outcome. The
 * worker publishes the eligible ones (the sandbox then reports them processing and accepted) and
 * flags the invalid ones for review; the showcase scenarios are put in their state here, on
 * purpose, so that a new user sees every page without editing the database.
 */
type Showcase = "processing" | "retrying" | "postponed" | "failed" | "refused_by_symphonics" | "rejected";
type Scenario = "scheduled" | "in_progress" | "awaiting_signature" | "eligible" | "invalid_phone" | "incomplete" | "missing_photo" | "cancelled" | "many_photos" | Showcase;
const scenarios: [Scenario, number][] = [
  ["scheduled", 50],
  ["in_progress", 45],
  ["awaiting_signature", 30],
  ["eligible", 140],
  ["invalid_phone", 6],
  // Done in the field but sent before the team filled everything in: recorded, never sent, the missing fields named.
  ["incomplete", 3],
  ["missing_photo", 5],
  ["many_photos", 4],
  ["cancelled", 20],
  ["processing", 2],
  ["retrying", 3],
  ["postponed", 2],
  ["failed", 3],
  ["refused_by_symphonics", 2],
  ["rejected", 2],
];

const statusOf: Record<Scenario, InterventionStatus> = {
  scheduled: "scheduled",
  in_progress: "in_progress",
  awaiting_signature: "installation_done",
  eligible: "installation_done",
  invalid_phone: "installation_done",
  incomplete: "installation_done",
  missing_photo: "installation_done",
  many_photos: "installation_done",
  cancelled: "cancelled",
  processing: "installation_done",
  retrying: "installation_done",
  postponed: "installation_done",
  failed: "installation_done",
  refused_by_symphonics: "installation_done",
  rejected: "installation_done",
};

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

/** Exchanges as the worker records them, for the showcase's history. */
async function recordExchanges(db: Executor, interventionId: string, count: number, values: { outcome: string; httpStatus: number | null; problemCode: string | null; message: string; everyMinutes: number }) {
  await db.insert(publicationAttempts).values(
    Array.from({ length: count }, (_, i) => ({
      interventionId,
      operation: "create_dossier",
      trigger: i === 0 ? ("automatic" as const) : ("retry" as const),
      triggeredBy: "token:demo-workforce-app",
      outcome: values.outcome,
      httpStatus: values.httpStatus,
      problemCode: values.problemCode,
      message: values.message,
      durationMs: 180 + i,
      responseExcerpt: values.httpStatus ? `{"status":${values.httpStatus}}` : null,
      startedAt: minutesFromNow(-(count - i) * values.everyMinutes),
    })),
  );
  await db.update(publications).set({ attemptCount: count }).where(eq(publications.interventionId, interventionId));
}

/** The webhook that brought a staged dossier's status, as the webhook route stores one it applied. */
async function recordWebhook(db: Executor, values: { dossierId: string; reference: string; status: string; reason: string | null; minutesAgo: number }) {
  const at = minutesFromNow(-values.minutesAgo);
  const data = { dossierId: values.dossierId, externalReference: values.reference, status: values.status, ...(values.reason ? { reason: values.reason } : {}) };
  await db.insert(webhookEvents).values({
    webhookId: `msg_demo_${values.dossierId}_${values.status}`,
    type: `dossier.${values.status}`,
    dossierId: values.dossierId,
    externalReference: values.reference,
    status: values.status,
    reason: values.reason,
    outcome: "applied",
    payload: { type: `dossier.${values.status}`, timestamp: at.toISOString(), data },
    occurredAt: at,
    receivedAt: at,
  });
}

/** Puts a freshly queued showcase publication in its state, through the state machine's writers. */
async function stage(db: Executor, scenario: Showcase, interventionId: string, reference: string, n: number): Promise<void> {
  const gateway = { code: "http_502", message: "502: gateway or server trouble (the answer is not a problem document)." };
  switch (scenario) {
    case "processing": {
      // Sent, and Symphonics still checking it: the sandbox settles its own dossiers within a
      // second, so this one is staged as its webhook left it.
      const dossierId = `${DEMO_DOSSIER_PREFIX}PRO-${n + 1}`;
      await recordExchanges(db, interventionId, 1, { outcome: "success", httpStatus: 201, problemCode: null, message: "201 Created", everyMinutes: 3 });
      const [queued] = await db.select().from(publications).where(eq(publications.interventionId, interventionId));
      await markPublished(db, queued!, { dossierId, photosSent: 0 });
      await db.update(interventions).set({ status: "published" }).where(eq(interventions.id, interventionId));
      const [published] = await db.select().from(publications).where(eq(publications.interventionId, interventionId)).for("update");
      await applyDossierStatus(db, published!, { dossierId, status: "processing", reason: null, source: "webhook" });
      await recordWebhook(db, { dossierId, reference, status: "processing", reason: null, minutesAgo: 2 });
      return;
    }
    case "retrying": {
      await recordExchanges(db, interventionId, 3, { outcome: "retryable", httpStatus: 502, problemCode: null, message: gateway.message, everyMinutes: 4 });
      await markRetrying(db, interventionId, "queued", { consecutiveFailures: 3, firstFailureAt: minutesFromNow(-12), error: gateway, at: minutesFromNow(20 + n * 5) });
      return;
    }
    case "postponed":
      // Held by Symphonics' rate limit: no failure counted.
      await markPostponed(db, interventionId, "queued", { before: "queued", nextAttemptAt: minutesFromNow(30 + n * 5), firstFailureAt: null });
      return;
    case "failed": {
      await recordExchanges(db, interventionId, 31, { outcome: "retryable", httpStatus: 503, problemCode: "maintenance", message: "503 maintenance: Service Unavailable", everyMinutes: 45 });
      const error = { code: "maintenance", message: "503 maintenance: Service Unavailable" };
      await markFailed(db, interventionId, "queued", { consecutiveFailures: 31, firstFailureAt: minutesFromNow(-24 * 60), error });
      await db.update(publications).set({ lastErrorAt: sql`now()` }).where(eq(publications.interventionId, interventionId));
      await raiseAlert(db, {
        kind: "publication_failed",
        groupKey: `publication_failed:${interventionId}`,
        severity: "critical",
        message: { key: "publicationFailedMaintenance", values: { reference, attempts: 31 } },
        interventionId,
      });
      return;
    }
    case "refused_by_symphonics": {
      await recordExchanges(db, interventionId, 1, { outcome: "not_retryable", httpStatus: 422, problemCode: "validation_failed", message: "422 validation_failed: Validation failed — 1 field is invalid", everyMinutes: 10 });
      await markNeedsReview(db, interventionId, "queued", {
        problems: [
          {
            field: "pdl",
            message: "Symphonics refused this value: this delivery point is not known to the grid operator",
            symphonics: { field: "installation.pdl", code: "unknown_delivery_point" },
          },
        ],
        error: { code: "validation_failed", message: "422 validation_failed: Validation failed — 1 field is invalid" },
      });
      return;
    }
    case "rejected": {
      const dossierId = `${DEMO_DOSSIER_PREFIX}REJ-${n + 1}`;
      await recordExchanges(db, interventionId, 1, { outcome: "success", httpStatus: 201, problemCode: null, message: "201 Created", everyMinutes: 30 });
      const [current] = await db.select().from(publications).where(eq(publications.interventionId, interventionId));
      await markPublished(db, current!, { dossierId, photosSent: 0 });
      await db.update(interventions).set({ status: "published" }).where(eq(interventions.id, interventionId));
      const reason = n === 0 ? "document_unreachable" : "photo_unreachable";
      await markRejected(db, interventionId, "published", { dossierId, reason, explanation: rejectionText(reason) });
      await recordWebhook(db, { dossierId, reference, status: "rejected", reason, minutesAgo: 29 });
      await raiseAlert(db, {
        kind: "dossier_rejected",
        groupKey: `dossier_rejected:${interventionId}`,
        severity: "warning",
        message: { key: "dossierRejected", values: { dossierId, reference, reason } },
        interventionId,
      });
      return;
    }
  }
}

const isShowcase = (scenario: Scenario): scenario is Showcase => ["processing", "retrying", "postponed", "failed", "refused_by_symphonics", "rejected"].includes(scenario);

export interface SeedResult {
  interventions: number;
  workforceToken: string;
}

/**
 * Seeds the demo set once, in one transaction (an interrupted seed leaves nothing behind);
 * returns null when the database already holds interventions.
 */
export function seedDemoData(database: Database, storageDir: string): Promise<SeedResult | null> {
  return database.transaction((tx) => seedInTransaction(tx, storageDir));
}

async function seedInTransaction(db: Executor, storageDir: string): Promise<SeedResult | null> {
  const [existing] = await db.select({ n: count() }).from(interventions);
  if (existing!.n > 0) return null;

  for (const user of demoUsers) await createUser(db, { ...user, password: DEMO_PASSWORD });
  const { token } = await createApiToken(db, "demo-workforce-app", "operator");

  const random = randomSource(2026);
  const writeStored = async (relative: string, content: Buffer) => {
    const absolute = path.join(storageDir, relative);
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, content);
  };

  let number = 0;
  for (const [scenario, howMany] of scenarios) {
    for (let i = 0; i < howMany; i++) {
      number++;
      const reference = `INT-2026-${String(number).padStart(6, "0")}`;
      const firstName = random.pick(firstNames);
      const lastName = random.pick(lastNames);
      const [postalCode, city] = random.pick(cities);
      const photoCount = scenario === "many_photos" ? random.int(60, 140) : random.int(2, 6);
      const photos = Array.from({ length: photoCount }, (_, p) => ({ file_path: `photos/${reference}/photo-${p + 1}.jpg` }));
      const documents = [
        { file_path: `documents/${reference}/contrat.pdf`, type: "contract" as const, requires_signature: true, signed_at: scenario === "awaiting_signature" ? null : "2026-11-18T10:30:00Z" },
        { file_path: `documents/${reference}/devis.pdf`, type: "quote" as const, requires_signature: false, signed_at: null },
        { file_path: `documents/${reference}/attestation.pdf`, type: "certificate" as const, requires_signature: true, signed_at: scenario === "awaiting_signature" ? null : "2026-11-18T10:35:00Z" },
      ];
      for (const document of documents) await writeStored(document.file_path, placeholderPdf);
      for (const [index, photo] of photos.entries()) {
        if (scenario === "missing_photo" && index === 1) continue;
        await writeStored(photo.file_path, placeholderJpeg);
      }
      const incomplete = scenario === "incomplete";
      const installed = [...new Set([random.pick(operations), ...(random.int(0, 3) === 0 ? [random.pick(operations)] : [])])];
      const input: InterventionInput = {
        // The first incomplete one has no name at all yet; the others only lack an email.
        beneficiary_first_name: incomplete && i === 0 ? null : firstName,
        beneficiary_last_name: incomplete && i === 0 ? null : lastName,
        beneficiary_email: incomplete ? null : `${firstName}.${lastName}`.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase() + `@exemple.fr`,
        beneficiary_phone: scenario === "invalid_phone" ? `06 ${random.digits(2)} ${random.digits(2)}` : random.pick(phoneWritings)(random.digits(8)),
        address: `${random.int(1, 140)} ${random.pick(streets)}`,
        postal_code: postalCode,
        city,
        pdl: random.digits(14),
        pce: random.int(0, 2) === 0 ? null : random.int(0, 1) ? `GI${random.digits(6)}` : random.digits(14),
        operations: installed.map((code) => ({ code })),
        products: installed.map((code) => {
          const { kind, models } = equipmentByOperation[code]!;
          const [brand, model] = random.pick(models);
          return { name: `${kind} ${brand}`, model };
        }),
        documents,
        photos,
        status: statusOf[scenario],
        contract_signed_at: ["scheduled", "in_progress"].includes(scenario) ? null : "2026-11-18T10:00:00Z",
        // The field team's own completion time, given with its local offset.
        completed_at: scenario === "eligible" ? "2026-11-18T17:45:00+01:00" : null,
      };
      const { id } = await putIntervention(db, reference, input, systemPrincipal);
      if (isShowcase(scenario)) await stage(db, scenario, id, reference, i);
    }
  }
  return { interventions: number, workforceToken: token };
}

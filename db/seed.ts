import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { count } from "drizzle-orm";
import type { Database, Executor } from "./client";
import { interventions, type InterventionStatus, type StaffRole } from "./schema";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { createUser } from "@/lib/auth/users";
import type { InterventionInput } from "@/lib/interventions/intake-schema";
import { putIntervention } from "@/lib/interventions/intake";

export const DEMO_PASSWORD = "demo-password-2026";
export const demoUsers: { email: string; name: string; role: StaffRole }[] = [
  { email: "admin@demo.local", name: "Alice Admin", role: "admin" },
  { email: "operator@demo.local", name: "Olivier Opérateur", role: "operator" },
  { email: "viewer@demo.local", name: "Véronique Lectrice", role: "viewer" },
];

const firstNames = ["Camille", "Léa", "Manon", "Chloé", "Inès", "Jeanne", "Louise", "Hugo", "Lucas", "Gabriel", "Arthur", "Jules", "Louis", "Nathan", "Théo", "Élodie", "Sébastien", "François", "Hélène", "Zoé"];
const lastNames = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "Bonnet", "Dupont", "Lambert"];
const streets = ["rue des Lilas", "avenue Jean Jaurès", "rue de la République", "boulevard Victor Hugo", "rue Pasteur", "allée des Tilleuls", "chemin des Vignes", "place de l'Église", "rue du Moulin", "impasse des Acacias"];
const cities: [string, string][] = [["69003", "Lyon"], ["13008", "Marseille"], ["31000", "Toulouse"], ["33000", "Bordeaux"], ["44000", "Nantes"], ["67000", "Strasbourg"], ["59000", "Lille"], ["35000", "Rennes"], ["21000", "Dijon"], ["01000", "Bourg-en-Bresse"], ["06000", "Nice"], ["63000", "Clermont-Ferrand"]];
const operations = ["BAR-TH-171", "BAR-TH-104", "BAR-TH-143", "BAR-TH-113", "BAR-EN-101", "BAR-EN-102", "BAR-EN-103", "BAR-TH-148", "BAR-TH-160"];
const products: [string, string][] = [
  ["Pompe à chaleur air/eau", "Daikin Altherma 3 H HT"],
  ["Pompe à chaleur air/eau", "Atlantic Alfea Excellia"],
  ["Chauffe-eau thermodynamique", "Thermor Aéromax 5"],
  ["Chaudière biomasse", "Okofen Pellematic"],
  ["Isolant laine de verre", "Isover IBR 200 mm"],
  ["Système solaire combiné", "Viessmann Vitosol 200-FM"],
];
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

/** What the demo shows, by share of the set: every status and every publication outcome. */
type Scenario = "scheduled" | "in_progress" | "awaiting_signature" | "eligible" | "invalid_phone" | "missing_photo" | "cancelled" | "many_photos";
const scenarios: [Scenario, number][] = [
  ["scheduled", 50],
  ["in_progress", 45],
  ["awaiting_signature", 30],
  ["eligible", 140],
  ["invalid_phone", 6],
  ["missing_photo", 5],
  ["many_photos", 4],
  ["cancelled", 20],
];

const statusOf: Record<Scenario, InterventionStatus> = {
  scheduled: "scheduled",
  in_progress: "in_progress",
  awaiting_signature: "installation_done",
  eligible: "installation_done",
  invalid_phone: "installation_done",
  missing_photo: "installation_done",
  many_photos: "installation_done",
  cancelled: "cancelled",
};

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
      const input: InterventionInput = {
        beneficiary_first_name: firstName,
        beneficiary_last_name: lastName,
        beneficiary_email: `${firstName}.${lastName}`.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase() + `@exemple.fr`,
        beneficiary_phone: scenario === "invalid_phone" ? `06 ${random.digits(2)} ${random.digits(2)}` : random.pick(phoneWritings)(random.digits(8)),
        address: `${random.int(1, 140)} ${random.pick(streets)}`,
        postal_code: postalCode,
        city,
        pdl: random.digits(14),
        pce: random.int(0, 2) === 0 ? null : random.int(0, 1) ? `GI${random.digits(6)}` : random.digits(14),
        operations: [{ code: random.pick(operations) }, ...(random.int(0, 3) === 0 ? [{ code: random.pick(operations) }] : [])],
        products: [{ name: random.pick(products)[0], model: random.pick(products)[1] }],
        documents,
        photos,
        status: statusOf[scenario],
        contract_signed_at: ["scheduled", "in_progress"].includes(scenario) ? null : "2026-11-18T10:00:00Z",
      };
      await putIntervention(db, reference, input, systemPrincipal);
    }
  }
  return { interventions: number, workforceToken: token };
}

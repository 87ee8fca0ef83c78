import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "@/sandbox/server";
import { createSymphonicsClient, type SymphonicsClient } from "@/lib/symphonics/client";
import { createDossierKey } from "@/lib/symphonics/idempotency";
import { mapInterventionToDossier, type DossierSource } from "./mapping";
import { documentTypes, dossierPayloadSchema, type DocumentType, type DossierPayload } from "./payload-schema";
import { interventionFixture, memoryFiles } from "./test-fixtures";

/**
 * The mapping must never let through what Symphonics refuses: whatever it accepts, the
 * sandbox (a strict implementation of the contract) creates; whatever the sandbox refuses with
 * 422, the mapping or the payload schema refused first.
 */
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let client: SymphonicsClient;
let sequence = 0;

beforeAll(async () => {
  // No throttling, and no download of the (fictitious) file links during the test.
  sandbox = await startSandbox({ port: 0, rateLimit: false, tokenEndpointLimitPerMinute: false, processingDelayMs: 600_000 });
  client = createSymphonicsClient({ baseUrl: sandbox.url, clientId: "sandbox-client", clientSecret: "sandbox-secret" });
});

afterAll(async () => {
  await client?.close();
  await sandbox?.close();
});

const oneOf = <T>(...values: T[]) => fc.constantFrom(...values);
/** Mostly values the contract allows, in all their variety, sometimes anything at all. */
const mostly = <T>(valid: fc.Arbitrary<T>, wild: fc.Arbitrary<T>, weight = 9) =>
  fc.oneof({ arbitrary: valid, weight }, { arbitrary: wild, weight: 1 });
const digits = (min: number, max: number) => fc.string({ unit: oneOf(..."0123456789"), minLength: min, maxLength: max });

const text = (max: number, weight = 9) =>
  mostly(
    fc.oneof(
      fc.string({ minLength: 1, maxLength: Math.floor(max / 4), unit: "grapheme" }),
      fc.string({ minLength: max - 3, maxLength: max, unit: "grapheme-ascii" }),
      oneOf("  Camille  ", "\u00a0Zoé\u00a0", "Pompe à chaleur", "😀".repeat(max / 2)),
    ),
    fc.oneof(
      fc.string({ minLength: 0, maxLength: 6, unit: "binary" }),
      fc.string({ minLength: max, maxLength: max + 3, unit: "grapheme-ascii" }),
      oneOf("   ", "", "\t", "😀".repeat(max / 2 + 1)),
    ),
    weight,
  );

const phone = mostly(
  oneOf("06 12 34 56 78", "06.12.34.56.78", "+33 (0)6 12 34 56 78", "0033612345678", "33612345678", "+44 20 7946 0958", "0692 12 34 56", "+1 (415) 555-2671"),
  fc.oneof(
    oneOf("06 12 34", "+0612345678", "phone", "+33 6 12", "00 1"),
    fc.tuple(oneOf("", "+", "00", "0", "+33 "), digits(0, 16)).map(([prefix, rest]) => prefix + rest),
  ),
);
const email = mostly(
  fc.oneof(oneOf("camille.durand@example.fr", " Camille@EXAMPLE.FR ", "o'brien@example.ie", "a+b@sub.example.co.uk"), fc.emailAddress()),
  fc.oneof(
    oneOf("camille@", "@x.fr", "camille@localhost", '"quoted"@example.fr', "camille@[192.0.2.1]", "a..b@example.fr", "é@example.fr"),
    fc.string({ maxLength: 30, unit: "grapheme-ascii" }),
  ),
);
const meterDigits = (length: number) =>
  mostly(
    fc.oneof(digits(length, length), digits(length, length).map((d) => d.replace(/(\d{3})/g, "$1 "))),
    fc.oneof(digits(length - 1, length + 1), fc.string({ maxLength: length, unit: "grapheme-ascii" })),
  );
const pce = mostly(fc.oneof(fc.constant(null), oneOf("", "  ", "GI123456", "gi 123 456"), digits(14, 14)), fc.oneof(oneOf("GI12345", "XX123456"), digits(0, 15)));
const ceeCode = mostly(
  oneOf("BAR-TH-171", "bar-en-101", "IND-UT-102", " RES-EC-104 "),
  fc.oneof(oneOf("BAR-TH-17", "BARTH171", "BAR-TH-1711"), fc.string({ maxLength: 11, unit: "grapheme-ascii" })),
  30,
);
/** Made unique by the item's position, as the workforce app's intake ensures. */
const filePath = (position: number) =>
  mostly(
    fc.oneof(
      fc.string({ minLength: 1, maxLength: 20, unit: "grapheme" }).map((name) => `files/${position}-${name.replaceAll("/", "_").replaceAll(".", "_")}.jpg`),
      oneOf("a b.jpg", "%41.jpg", "x?y#z.jpg", "l'été.jpg").map((name) => `photos/${position}/${name}`),
    ),
    oneOf("../escape.jpg", "/absolute.jpg", "photos//double.jpg", ""),
    40,
  );
const files = <T>(max: number, item: (filePath: fc.Arbitrary<string>) => fc.Arbitrary<T>, minLength = 1) =>
  fc.integer({ min: minLength, max }).chain((length) => fc.tuple(...Array.from({ length }, (_, position) => item(filePath(position)))));
const reference = mostly(fc.string({ minLength: 1, maxLength: 40, unit: oneOf(..."ABCZabz019._:-") }), oneOf("INT 1", "INT/1", "", "x".repeat(70), "ÉTÉ-1"));
const list = <T>(item: fc.Arbitrary<T>, max: number) =>
  mostly(fc.array(item, { minLength: 1, maxLength: Math.min(max, 5) }), fc.oneof(fc.constant<T[]>([]), fc.array(item, { minLength: max - 1, maxLength: max + 2 })));

const intervention: fc.Arbitrary<{ source: DossierSource; missing: string[] }> = fc
  .record({
    reference,
    completedAt: fc.oneof(fc.constant(null), fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })),
    address: text(200),
    postalCode: mostly(fc.oneof(digits(5, 5), oneOf(" 69003 ", "69 003")), fc.oneof(digits(4, 6), oneOf("6900A", "F-69003"))),
    city: text(100),
    pdl: meterDigits(14),
    pce,
    firstName: text(100),
    lastName: text(100),
    email,
    phone,
    operations: list(fc.record({ code: ceeCode }), 20),
    products: list(fc.record({ name: text(200, 30), model: text(200, 30) }), 50),
    documents: mostly(
      files(4, (filePath) => fc.record({ type: oneOf<DocumentType | null>(...documentTypes, null), filePath })),
      files(52, (filePath) => fc.record({ type: fc.constant<DocumentType | null>(null), filePath }), 0),
    ),
    photos: files(60, (filePath) => fc.record({ filePath }), 0),
    missingFile: mostly(fc.constant(false), fc.constant(true)),
  })
  .map(({ firstName, lastName, email, phone, missingFile, ...rest }) => {
    const source = interventionFixture({ ...rest, beneficiary: { firstName, lastName, email, phone } });
    const lastFile = [...source.documents, ...source.photos].at(-1)?.filePath;
    return { source, missing: missingFile && lastFile ? [lastFile] : [] };
  });

/** Unique per run, so no create meets an earlier dossier; only valid references are changed. */
function uniqueReference(reference: string): string {
  const suffix = `-${++sequence}`;
  return /^[A-Za-z0-9._:-]{1,64}$/.test(reference) ? `${reference.slice(0, 64 - suffix.length)}${suffix}` : reference;
}

describe("mapping and payload schema against the sandbox", () => {
  it("whatever the mapping accepts, Symphonics creates (201)", { timeout: 60_000 }, async () => {
    const tally = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(intervention, async ({ source, missing }) => {
        const result = await mapInterventionToDossier({ ...source, reference: uniqueReference(source.reference) }, memoryFiles(missing));
        if (!result.ok) {
          tally.refused++;
          expect(result.problems.length).toBeGreaterThan(0);
          return;
        }
        tally.accepted++;
        const outcome = await client.createDossier(result.payload, createDossierKey(result.payload.externalReference, result.payload));
        expect({ kind: outcome.kind, status: outcome.httpStatus, excerpt: outcome.responseExcerpt }).toMatchObject({ kind: "success", status: 201 });
      }),
      { numRuns: 200 },
    );
    // Both sides of the property were exercised.
    expect(tally.accepted).toBeGreaterThan(10);
    expect(tally.refused).toBeGreaterThan(10);
  });

  it("whatever the sandbox refuses with 422, the payload schema refused too", { timeout: 60_000 }, async () => {
    const base = await mapInterventionToDossier(interventionFixture({ photos: [] }), memoryFiles());
    if (!base.ok) throw new Error("the fixture must map");
    const tally = { created: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(intervention, fc.integer({ min: 0, max: rawFieldCount - 1 }), fc.integer({ min: 0, max: 19 }), async ({ source }, field, twist) => {
        // A valid dossier with one field replaced by a raw, un-normalised value, or bent at an edge.
        const payload = withRawField(structuredClone(base.payload), source, field, twist);
        payload.externalReference = uniqueReference(String(payload.externalReference));
        const schemaAccepts = dossierPayloadSchema.safeParse(payload).success;
        const outcome = await client.createDossier(payload as DossierPayload, `property-${sequence}`);
        if (outcome.httpStatus === 422) {
          tally.refused++;
          expect(schemaAccepts, outcome.responseExcerpt ?? "").toBe(false);
        } else if (schemaAccepts) {
          tally.created++;
          expect(outcome.httpStatus, outcome.responseExcerpt ?? "").toBe(201);
        }
      }),
      { numRuns: 150 },
    );
    expect(tally.created).toBeGreaterThan(10);
    expect(tally.refused).toBeGreaterThan(10);
  });
});

const rawFieldCount = 14;

function withRawField(payload: Record<string, unknown>, source: DossierSource, field: number, twist: number): Record<string, unknown> {
  const customer = payload.customer as Record<string, unknown>;
  const installation = payload.installation as Record<string, unknown>;
  const files = memoryFiles();
  const fields: (() => void)[] = [
    () => (payload.externalReference = source.reference),
    () => (payload.completedAt = source.completedAt?.toISOString()),
    () => (customer.firstName = source.beneficiary.firstName),
    () => (customer.lastName = source.beneficiary.lastName),
    () => (customer.email = source.beneficiary.email),
    () => (customer.phone = source.beneficiary.phone),
    () => (installation.address = source.address),
    () => (installation.postalCode = source.postalCode),
    () => (installation.city = source.city),
    () => (installation.pdl = source.pdl),
    () => (installation.pce = source.pce),
    () => (payload.services = source.operations),
    () => (payload.equipment = source.products),
    () => {
      payload.documents = source.documents.map((document) => ({ ...(document.type ? { type: document.type } : {}), url: files.signUrl(document.filePath) }));
      payload.photos = source.photos.slice(0, 51).map((photo) => ({ url: files.signUrl(photo.filePath) }));
    },
  ];
  fields[field]?.();
  // The edges §3.1 draws, which random values rarely hit.
  const twists: (() => void)[] = [
    () => (installation.pce = null),
    () => (installation.pce = ""),
    () => (payload.completedAt = "2026-11-20T15:42:00+01:00"),
    () => (payload.completedAt = "2026-02-30T10:00:00Z"),
    () => (payload.photos = [{ url: "http://files.example.fr/p.jpg" }]),
    () => (payload.photos = [{ url: "https://user:pw@files.example.fr/p.jpg" }]),
    () => (payload.documents = [{ type: "photo", url: "https://files.example.fr/d.pdf" }]),
    () => (payload.unexpected = true),
  ];
  twists[twist]?.();
  return payload;
}

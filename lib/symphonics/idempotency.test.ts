import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addPhotosKey, canonicalJson, createDossierKey, isValidIdempotencyKey } from "./idempotency";
import { dossierPayload } from "./test-support";

describe("idempotency keys (§2: 1–255 printable ASCII, unique per logical operation)", () => {
  const payload = dossierPayload({ externalReference: "INT-2026-000123" });

  it("the same operation gives the same key, whatever the key order of the payload", () => {
    const reversed = (value: object) => Object.fromEntries(Object.entries(value).reverse());
    const reordered = { ...reversed(payload), customer: reversed(payload.customer) } as typeof payload;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(payload));
    expect(canonicalJson(reordered)).toBe(canonicalJson(payload));
    expect(createDossierKey("INT-2026-000123", reordered)).toBe(createDossierKey("INT-2026-000123", payload));
  });

  it("a corrected dossier gets a new key", () => {
    const corrected = { ...payload, customer: { ...payload.customer, phone: "+33612345679" } };
    expect(createDossierKey("INT-2026-000123", corrected)).not.toBe(createDossierKey("INT-2026-000123", payload));
  });

  it("each photo batch has its own key, stable across runs", () => {
    const batch = { photos: [{ url: "https://files.example.fr/p/1.jpg" }] };
    expect(addPhotosKey("dos_1", 3, batch)).toBe(addPhotosKey("dos_1", 3, structuredClone(batch)));
    expect(addPhotosKey("dos_1", 3, batch)).not.toBe(addPhotosKey("dos_1", 4, batch));
    expect(addPhotosKey("dos_1", 3, batch)).not.toBe(addPhotosKey("dos_2", 3, batch));
    expect(addPhotosKey("dos_1", 3, batch)).toMatch(/^photos:dos_1:3:[A-Za-z0-9_-]{43}$/);
  });

  it("any identifier gives a valid key of at most 255 printable ASCII characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: "binary" }), fc.nat({ max: 10_000 }), (identifier, index) => {
        for (const key of [createDossierKey(identifier, payload), addPhotosKey(identifier, index, { photos: [{ url: "https://x.fr/a" }] })]) {
          expect(isValidIdempotencyKey(key)).toBe(true);
          expect(key.length).toBeLessThanOrEqual(255);
        }
      }),
      { numRuns: 300 },
    );
  });
});

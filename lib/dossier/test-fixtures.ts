import type { DossierSource, MappingDeps } from "./mapping";

/** Test support: an intervention that maps to a valid dossier, and in-memory file storage. */
export function interventionFixture(overrides: Partial<DossierSource> = {}): DossierSource {
  return {
    reference: "INT-2026-000123",
    completedAt: new Date("2026-11-20T15:42:00.123Z"),
    address: "12 rue des Lilas",
    postalCode: "69003",
    city: "Lyon",
    pdl: "12345678901234",
    pce: "GI123456",
    beneficiary: { firstName: "Camille", lastName: "Durand", email: "camille.durand@example.fr", phone: "06 12 34 56 78" },
    operations: [{ code: "BAR-TH-171" }],
    products: [{ name: "Pompe à chaleur air/eau", model: "Daikin Altherma 3 H HT" }],
    documents: [{ type: "contract", filePath: "documents/contract.pdf" }],
    photos: [{ filePath: "photos/front.jpg" }],
    ...overrides,
  };
}

export const photoPaths = (count: number) => Array.from({ length: count }, (_, index) => ({ filePath: `photos/p${index}.jpg` }));

/** Every file exists unless listed as missing; links are deterministic, like the real signer's. */
export function memoryFiles(missing: readonly string[] = []): MappingDeps {
  return {
    signUrl: (path) => `https://files.example.fr/files/${path.split("/").map(encodeURIComponent).join("/")}?expires=1795000000&signature=sig`,
    fileExists: async (path) => !missing.includes(path),
  };
}

import type { InterventionInput } from "./intake-schema";

/** A complete, publishable intervention in the workforce app's format (demo data and tests). */
export function sampleInterventionInput(overrides: Partial<InterventionInput> = {}): InterventionInput {
  return {
    beneficiary_first_name: "Camille",
    beneficiary_last_name: "Durand",
    beneficiary_email: "camille.durand@example.fr",
    beneficiary_phone: "06 12 34 56 78",
    address: "12 rue des Lilas",
    postal_code: "69003",
    city: "Lyon",
    pdl: "12345678901234",
    pce: "GI123456",
    operations: [{ code: "BAR-TH-171" }],
    products: [{ name: "Pompe à chaleur air/eau", model: "Daikin Altherma 3 H HT" }],
    documents: [
      { file_path: "documents/contract.pdf", type: "contract", requires_signature: true, signed_at: "2026-11-20T15:00:00Z" },
      { file_path: "documents/quote.pdf", type: "quote", requires_signature: false, signed_at: null },
    ],
    photos: [{ file_path: "photos/outdoor-unit.jpg" }, { file_path: "photos/indoor-unit.jpg" }],
    status: "installation_done",
    contract_signed_at: "2026-11-20T14:00:00Z",
    completed_at: null,
    ...overrides,
  };
}

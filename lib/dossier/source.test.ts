import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { interventionInputSchema } from "@/lib/interventions/intake-schema";
import { loadInterventionAggregate } from "@/lib/interventions/repository";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { mapInterventionToDossier } from "./mapping";
import { dossierSourceJson, dossierSourceOf } from "./source";
import { memoryFiles } from "./test-fixtures";

const { db } = await useTestDatabase();

const sourceOf = async (id: string) => {
  const [row] = await db.execute<{ source: Parameters<typeof dossierSourceOf>[0] | null }>(sql`select ${dossierSourceJson(sql`${id}::uuid`)} as source`);
  return row!.source && dossierSourceOf(row!.source);
};

describe("the dossier source read in one statement", () => {
  it("is what the mapping reads of the intervention loaded list by list, and maps to the same dossier", async () => {
    const input = sampleInterventionInput({
      beneficiary_first_name: "Zoé",
      beneficiary_last_name: "N'Guyen — Lefèvre",
      pce: null,
      completed_at: "2026-11-20T16:42:07.123+01:00",
      operations: [{ code: "BAR-TH-171" }, { code: "bar-en-101" }, { code: "BAR-TH-104" }],
      products: [
        { name: "Pompe à chaleur", model: "Altherma 3" },
        { name: "Ballon \"thermo\"", model: "X\\200" },
      ],
      documents: [
        { file_path: "documents/contract.pdf", type: "contract", requires_signature: true, signed_at: "2026-11-20T15:00:00Z" },
        { file_path: "documents/notice d'installation.pdf", type: null, requires_signature: false, signed_at: null },
      ],
      photos: Array.from({ length: 60 }, (_, i) => ({ file_path: `photos/${59 - i}.jpg` })),
    });
    const { id } = await putIntervention(db, "INT-SOURCE-1", input, systemPrincipal);
    const aggregate = (await loadInterventionAggregate(db, { id }))!;
    const source = (await sourceOf(id))!;

    expect(source).toEqual({
      reference: aggregate.reference,
      completedAt: aggregate.completedAt,
      address: aggregate.address,
      postalCode: aggregate.postalCode,
      city: aggregate.city,
      pdl: aggregate.pdl,
      pce: aggregate.pce,
      beneficiary: { firstName: "Zoé", lastName: "N'Guyen — Lefèvre", email: aggregate.beneficiary.email, phone: aggregate.beneficiary.phone },
      operations: aggregate.operations.map(({ code }) => ({ code })),
      products: aggregate.products.map(({ name, model }) => ({ name, model })),
      documents: aggregate.documents.map(({ type, filePath }) => ({ type, filePath })),
      photos: aggregate.photos.map(({ filePath }) => ({ filePath })),
    });
    expect(source.completedAt?.toISOString()).toBe("2026-11-20T15:42:07.123Z");
    expect(source.photos.slice(0, 2)).toEqual([{ filePath: "photos/59.jpg" }, { filePath: "photos/58.jpg" }]);

    const files = memoryFiles([]);
    expect(await mapInterventionToDossier(source, files)).toEqual(await mapInterventionToDossier(aggregate, files));
  });

  it("says null of an intervention that is not there, and empty lists and absent values as such", async () => {
    expect(await sourceOf("00000000-0000-4000-8000-000000000000")).toBeNull();
    const { id } = await putIntervention(db, "INT-SOURCE-2", interventionInputSchema.parse({ status: "scheduled" }), systemPrincipal);
    expect(await sourceOf(id)).toEqual({
      reference: "INT-SOURCE-2",
      completedAt: null,
      address: null,
      postalCode: null,
      city: null,
      pdl: null,
      pce: null,
      beneficiary: { firstName: null, lastName: null, email: null, phone: null },
      operations: [],
      products: [],
      documents: [],
      photos: [],
    });
  });
});

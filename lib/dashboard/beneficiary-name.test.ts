import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { interventions, publications } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { attentionQuerySchema, listAttention } from "./attention";
import { beneficiaryNameOf } from "./beneficiary-name";
import { interventionDetail } from "./intervention-detail";
import { listInterventions, listQuerySchema } from "./interventions";

const { db } = await useTestDatabase();

describe("a beneficiary's name on the dashboard", () => {
  it("is the parts given, or null (shown as 'Name not given') when neither is", () => {
    expect(beneficiaryNameOf("Camille", "Durand")).toBe("Camille Durand");
    expect(beneficiaryNameOf(null, "Durand")).toBe("Durand");
    expect(beneficiaryNameOf(null, null)).toBeNull();
  });

  it("is null in the list, the needs-attention list and the page of an intervention recorded without it", async () => {
    const reference = "INT-NAMELESS-DASHBOARD";
    const { id } = await putIntervention(db, reference, sampleInterventionInput({ beneficiary_first_name: null, beneficiary_last_name: null, city: null }), systemPrincipal);
    const list = await listInterventions(db, listQuerySchema.parse({ q: "nameless" }));
    expect(list.items.map((item) => ({ reference: item.reference, beneficiaryName: item.beneficiaryName, city: item.city }))).toEqual([
      { reference, beneficiaryName: null, city: null },
    ]);
    expect((await interventionDetail(db, reference))?.beneficiary).toMatchObject({ firstName: null, lastName: null });

    await db.update(publications).set({ status: "needs_review" }).where(eq(publications.interventionId, id));
    const attention = await listAttention(db, attentionQuerySchema.parse({}));
    expect(attention.items.find((item) => item.reference === reference)).toMatchObject({ beneficiaryName: null });
    expect(await db.select({ searchText: interventions.searchText }).from(interventions).where(eq(interventions.id, id))).toEqual([{ searchText: "int-nameless-dashboard   " }]);
  });
});

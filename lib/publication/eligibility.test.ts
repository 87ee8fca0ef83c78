import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { beneficiaries, interventionDocuments, interventions, interventionStatus } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { checkEligibility, eligibleSql } from "./eligibility";

const { db } = await useTestDatabase();

/** A document as eligibility sees it: whether it needs a signature, and whether it has one. */
const DOCUMENT_KINDS = [
  { requiresSignature: false, signedAt: null },
  { requiresSignature: false, signedAt: new Date("2026-11-20T15:00:00Z") },
  { requiresSignature: true, signedAt: null },
  { requiresSignature: true, signedAt: new Date("2026-11-20T15:00:00Z") },
] as const;
/** Every list of up to two documents of those kinds, in order. */
const DOCUMENT_LISTS = [[], ...DOCUMENT_KINDS.map((kind) => [kind]), ...DOCUMENT_KINDS.flatMap((first) => DOCUMENT_KINDS.map((second) => [first, second]))];

describe("eligibility in SQL", () => {
  it("gives checkEligibility's answer for every intervention status, contract and documents, its publication underway", async () => {
    const cases = interventionStatus.enumValues.flatMap((status) =>
      [null, new Date("2026-11-20T14:00:00Z")].flatMap((contractSignedAt) => DOCUMENT_LISTS.map((documents) => ({ status, contractSignedAt, documents }))),
    );
    const ids = await db.transaction(async (tx) => {
      const made: string[] = [];
      for (const [n, { status, contractSignedAt, documents }] of cases.entries()) {
        const [beneficiary] = await tx.insert(beneficiaries).values({ contractSignedAt }).returning({ id: beneficiaries.id });
        const [intervention] = await tx
          .insert(interventions)
          .values({ reference: `INT-ELIGIBLE-${n}`, beneficiaryId: beneficiary!.id, status })
          .returning({ id: interventions.id });
        if (documents.length > 0) {
          await tx.insert(interventionDocuments).values(documents.map((document, position) => ({ interventionId: intervention!.id, position, filePath: `documents/${position}.pdf`, ...document })));
        }
        made.push(intervention!.id);
      }
      return made;
    });

    const inSql = new Map<string, boolean>();
    for (const id of ids) {
      const [row] = await db
        .select({ eligible: sql<boolean>`${eligibleSql({ id: interventions.id, status: interventions.status, contractSignedAt: beneficiaries.contractSignedAt })}` })
        .from(interventions)
        .innerJoin(beneficiaries, eq(beneficiaries.id, interventions.beneficiaryId))
        .where(eq(interventions.id, id));
      inSql.set(id, row!.eligible);
    }
    const disagreements = cases.filter((input, n) => checkEligibility({ ...input, documents: input.documents.map((document, i) => ({ ...document, filePath: `documents/${i}.pdf` })), publicationStatus: "queued" }).eligible !== inSql.get(ids[n]!));
    expect(disagreements).toEqual([]);
    // Both answers occur: the cases do tell the two rules apart.
    expect(new Set(inSql.values())).toEqual(new Set([true, false]));
    expect(cases.length).toBe(interventionStatus.enumValues.length * 2 * 21);
  });
});

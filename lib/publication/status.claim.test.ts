import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { beneficiaries, interventions, publications, type PublicationStatus } from "@/db/schema";
import { connect } from "@/db/client";
import { useTestDatabase } from "@/db/testing";
import { claimInProgress } from "./status";

const { db, url } = await useTestDatabase();

async function publication(reference: string, status: PublicationStatus, nextAttemptAt: Date | null = null) {
  const [beneficiary] = await db.insert(beneficiaries).values({ firstName: reference }).returning({ id: beneficiaries.id });
  const [intervention] = await db.insert(interventions).values({ reference, beneficiaryId: beneficiary!.id, status: "installation_done" }).returning({ id: interventions.id });
  await db.insert(publications).values({ interventionId: intervention!.id, status, nextAttemptAt, attemptCount: 2 });
  return intervention!.id;
}

const stored = async (ids: string[]) =>
  new Map((await db.select().from(publications).where(inArray(publications.interventionId, ids))).map((row) => [row.interventionId, row]));

describe("claimInProgress, the batch claim in one statement", () => {
  it("moves the underway publications that go to in_progress, leaves the others as they were, and returns each row as read", async () => {
    const later = new Date("2030-01-01T00:00:00Z");
    const goes = await publication("INT-CLAIM-GOES", "retrying", later);
    const stays = await publication("INT-CLAIM-STAYS", "queued");
    const published = await publication("INT-CLAIM-PUBLISHED", "published");
    const failed = await publication("INT-CLAIM-FAILED", "failed");
    const ids = [goes, stays, published, failed];
    const before = await stored(ids);

    const rows = await claimInProgress<{ firstName: string | null }>(db, ids, sql`${interventions.reference} <> 'INT-CLAIM-STAYS'`, {
      firstName: sql`${beneficiaries.firstName}`,
    });

    const byId = new Map(rows.map((row) => [row.publication.interventionId, row]));
    expect(byId.size).toBe(4);
    expect(byId.get(goes)).toMatchObject({ went: true, firstName: "INT-CLAIM-GOES" });
    // As read under the lock: the status and next attempt it had, typed as drizzle's own select.
    expect(byId.get(goes)!.publication).toEqual(before.get(goes));
    expect(byId.get(stays)).toMatchObject({ went: false });
    expect(byId.get(published)).toMatchObject({ went: false });
    expect(byId.get(failed)).toMatchObject({ went: false });

    const after = await stored(ids);
    expect(after.get(goes)).toMatchObject({ status: "in_progress", nextAttemptAt: null, attemptCount: 3 });
    expect(after.get(goes)!.updatedAt.getTime()).toBeGreaterThanOrEqual(before.get(goes)!.updatedAt.getTime());
    for (const id of [stays, published, failed]) expect(after.get(id)).toEqual(before.get(id));
  });

  it("skips a publication another transaction holds, and leaves it to that transaction", async () => {
    const held = await publication("INT-CLAIM-HELD", "queued");
    const free = await publication("INT-CLAIM-FREE", "queued");
    const other = connect(url, { max: 1 });
    try {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holding = other.db.transaction(async (tx) => {
        await tx.select().from(publications).where(eq(publications.interventionId, held)).for("update");
        locked();
        await released;
      });
      await isLocked;
      const rows = await claimInProgress(db, [held, free], sql`true`, {});
      expect(rows.map((row) => [row.publication.interventionId, row.went])).toEqual([[free, true]]);
      release();
      await holding;
      expect((await stored([held])).get(held)!.status).toBe("queued");
    } finally {
      await other.close();
    }
  });
});

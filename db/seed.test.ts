import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { countBySyncState } from "@/lib/dashboard/interventions";
import { interventionProducts, publications, webhookEvents } from "./schema";
import { DEMO_DOSSIER_PREFIX, seedDemoData } from "./seed";
import { useTestDatabase } from "./testing";

const { db } = await useTestDatabase();
const storage = await mkdtemp(path.join(tmpdir(), "sp-seed-"));
afterAll(() => rm(storage, { recursive: true, force: true }));

describe("the demo seed", () => {
  it("stages every state the worker alone would not reach, each operation with equipment of its own, and seeds once", async () => {
    const seeded = await seedDemoData(db, storage);
    // Every scenario, the three incomplete interventions (no email yet, one without a name) included.
    expect(seeded!.interventions).toBe(317);
    const { byState, cancelled } = await countBySyncState(db, { tz: { kind: "name", name: "UTC" } });
    // Before any worker runs: the eligible ones are queued; the showcases are in their states.
    expect(byState).toMatchObject({ published: 2, retrying: 3, failed: 3, needs_review: 4, in_progress: 0 });
    expect(byState.queued).toBeGreaterThan(140);
    expect(byState.not_ready).toBeGreaterThan(cancelled);
    expect(cancelled).toBe(20);

    const staged = await db.select({ dossierId: publications.dossierId, dossierStatus: publications.dossierStatus }).from(publications);
    expect(staged.filter((row) => row.dossierId?.startsWith(DEMO_DOSSIER_PREFIX)).map((row) => `${row.dossierId} ${row.dossierStatus}`).sort()).toEqual([
      "DOS-DEMO-PRO-1 processing",
      "DOS-DEMO-PRO-2 processing",
      "DOS-DEMO-REJ-1 rejected",
      "DOS-DEMO-REJ-2 rejected",
    ]);
    expect((await db.select().from(webhookEvents)).map((event) => event.type).sort()).toEqual(["dossier.processing", "dossier.processing", "dossier.rejected", "dossier.rejected"]);

    const products = await db.select({ name: interventionProducts.name, model: interventionProducts.model }).from(interventionProducts);
    const models = new Set(products.map((product) => product.model));
    expect(models.size).toBeGreaterThanOrEqual(20);
    // Each model is always the same product (brand and kind), never a heat pump's model on an insulation.
    const names = new Map<string, Set<string>>();
    for (const { name, model } of products) names.set(model, (names.get(model) ?? new Set()).add(name));
    expect([...names].filter(([, kinds]) => kinds.size > 1)).toEqual([]);

    expect(await seedDemoData(db, storage)).toBeNull();
  }, 120_000);
});

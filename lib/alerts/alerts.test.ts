import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alerts, auditLog } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import type { Principal } from "@/lib/auth/roles";
import { overview } from "@/lib/dashboard/overview";
import { AppError } from "@/lib/errors";
import { acknowledgeAlert, raiseAlert } from "./alerts";

const { db } = await useTestDatabase();

describe("alerts", () => {
  it("groups repeated alerts by key while open, and opens a new one once resolved", async () => {
    const alert = { kind: "symphonics_invalid_client", groupKey: "symphonics:invalid_client", severity: "critical" as const, message: "first" };
    await Promise.all(Array.from({ length: 10 }, () => raiseAlert(db, alert)));
    let rows = await db.select().from(alerts).where(eq(alerts.groupKey, alert.groupKey));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ occurrences: 10, severity: "critical", resolvedAt: null });

    await db.update(alerts).set({ resolvedAt: new Date() }).where(eq(alerts.groupKey, alert.groupKey));
    await raiseAlert(db, { ...alert, message: "again" });
    rows = await db.select().from(alerts).where(eq(alerts.groupKey, alert.groupKey));
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => !row.resolvedAt)).toMatchObject({ occurrences: 1, message: "again" });
  });

  it("acknowledged by an operator, an alert leaves the overview (audited); alerts of one kind are grouped with a count", async () => {
    const operator: Principal = { kind: "user", id: null, label: "operator@demo.local", role: "operator" };
    for (const n of [1, 2, 3]) await raiseAlert(db, { kind: "publication_failed", groupKey: `publication_failed:${n}`, severity: "critical", message: `failed ${n}` });
    const before = await overview(db, { range: "24h", tz: { kind: "name", name: "UTC" } });
    expect(before.alertGroups.find((group) => group.kind === "publication_failed")).toMatchObject({ count: 3, severity: "critical" });

    const target = before.alerts.find((alert) => alert.message === "failed 2")!;
    const acknowledged = await acknowledgeAlert(db, target.id, operator);
    expect(acknowledged).toMatchObject({ acknowledgedBy: "operator@demo.local", resolvedAt: null });
    expect((await acknowledgeAlert(db, target.id, operator)).acknowledgedAt).toEqual(acknowledged.acknowledgedAt);
    const after = await overview(db, { range: "24h", tz: { kind: "name", name: "UTC" } });
    expect(after.alerts.map((alert) => alert.id)).not.toContain(target.id);
    expect(after.alertGroups.find((group) => group.kind === "publication_failed")!.count).toBe(2);
    expect((await db.select().from(auditLog).where(eq(auditLog.action, "alert.acknowledged"))).length).toBe(1);
    await expect(acknowledgeAlert(db, 999_999, operator)).rejects.toBeInstanceOf(AppError);
  });

  it("an acknowledged alert whose condition starts again shows again, and is delivered again; the same lasting condition seen again stays acknowledged", async () => {
    const operator: Principal = { kind: "user", id: null, label: "operator@demo.local", role: "operator" };
    const failed = { kind: "publication_failed", groupKey: "publication_failed:recurs", severity: "critical" as const, message: "given up once" };
    const stalled = { kind: "publication_queue_stalled", groupKey: "queue:recurs", severity: "warning" as const, message: "stalled" };
    await raiseAlert(db, { ...failed, recurrence: true });
    await raiseAlert(db, stalled);
    await db.update(alerts).set({ deliveredAt: new Date() });
    const shown = async () => (await overview(db, { range: "24h", tz: { kind: "name", name: "UTC" } })).alerts.map((alert) => alert.message);
    for (const groupKey of [failed.groupKey, stalled.groupKey]) {
      const [row] = await db.select().from(alerts).where(eq(alerts.groupKey, groupKey));
      await acknowledgeAlert(db, row!.id, operator);
    }
    expect(await shown()).not.toContain("given up once");

    // The lasting condition, evaluated again: still the one the operator saw.
    await raiseAlert(db, { ...stalled, message: "still stalled" });
    const [lasting] = await db.select().from(alerts).where(eq(alerts.groupKey, stalled.groupKey));
    expect(lasting).toMatchObject({ acknowledgedBy: "operator@demo.local", occurrences: 2 });
    expect(await shown()).not.toContain("still stalled");

    // Retried, then given up on again before the evaluator closed the first alert: it is back.
    await raiseAlert(db, { ...failed, message: "given up again", recurrence: true });
    const [again] = await db.select().from(alerts).where(eq(alerts.groupKey, failed.groupKey));
    expect(again).toMatchObject({ acknowledgedAt: null, acknowledgedBy: null, deliveredAt: null, occurrences: 2, resolvedAt: null });
    expect(await shown()).toContain("given up again");

    // A recurrence of an alert nobody acknowledged is one more occurrence, not a new delivery.
    await db.update(alerts).set({ deliveredAt: new Date() }).where(eq(alerts.groupKey, failed.groupKey));
    await raiseAlert(db, { ...failed, message: "given up a third time", recurrence: true });
    const [third] = await db.select().from(alerts).where(eq(alerts.groupKey, failed.groupKey));
    expect(third!.deliveredAt).not.toBeNull();
    expect(third!.occurrences).toBe(3);
  });
});

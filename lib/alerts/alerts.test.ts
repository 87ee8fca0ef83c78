import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alerts } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { raiseAlert } from "./alerts";

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
});

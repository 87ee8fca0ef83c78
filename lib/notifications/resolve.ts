import { and, isNull, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { alerts } from "@/db/schema";

/** Closes the open alerts matching `condition`; the next delivery tells they are resolved. Returns how many. */
export async function resolveAlerts(db: Executor, condition: SQL): Promise<number> {
  const resolved = await db
    .update(alerts)
    .set({ resolvedAt: sql`now()` })
    .where(and(isNull(alerts.resolvedAt), condition))
    .returning({ id: alerts.id });
  return resolved.length;
}

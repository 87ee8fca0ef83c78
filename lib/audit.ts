import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { auditLog } from "@/db/schema";
import { executePrepared } from "@/db/sql";
import type { Principal } from "@/lib/auth/roles";

/** Records who did what, in the caller's transaction so it exists exactly when the change does. */
export async function recordAudit(
  tx: Executor,
  actor: Principal,
  action: string,
  interventionId: string | null,
  details?: Record<string, unknown>,
): Promise<void> {
  await tx.insert(auditLog).values({
    actorType: actor.kind,
    actorId: actor.id,
    actorLabel: actor.label,
    action,
    interventionId,
    details: details ?? null,
  });
}

/**
 * Several entries in one statement with one parameter, in the caller's transaction (a worker's
 * batch): drizzle's build of a 50-row insert cost the worker more than the statement itself.
 */
export async function recordAudits(
  tx: Executor,
  actor: Principal,
  entries: readonly { action: string; interventionId: string | null; details?: Record<string, unknown> }[],
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((entry) => ({ action: entry.action, intervention_id: entry.interventionId, details: entry.details ?? null }));
  await executePrepared(
    tx,
    sql`
    insert into ${auditLog} (actor_type, actor_id, actor_label, action, intervention_id, details)
    select ${actor.kind}, ${actor.id}, ${actor.label}, action, intervention_id, details
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(action text, intervention_id uuid, details jsonb)`,
  );
}

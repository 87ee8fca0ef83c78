import type { Executor } from "@/db/client";
import { auditLog } from "@/db/schema";
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

/** Several entries in one statement, in the caller's transaction (a worker's batch). */
export async function recordAudits(
  tx: Executor,
  actor: Principal,
  entries: readonly { action: string; interventionId: string | null; details?: Record<string, unknown> }[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(auditLog).values(
    entries.map((entry) => ({ actorType: actor.kind, actorId: actor.id, actorLabel: actor.label, action: entry.action, interventionId: entry.interventionId, details: entry.details ?? null })),
  );
}

import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import journal from "@/db/migrations/meta/_journal.json";
import { readOperationalState } from "./operational-state";

export interface ReadinessSettings {
  /** A worker heartbeat older than this counts as no worker running. */
  heartbeatMaxAgeSeconds: number;
}

type Check = { ok: boolean; detail: string };

export interface Readiness {
  /**
   * ready: everything is fine. degraded: the web app can serve, but publications do not flow (no
   * recent worker heartbeat, or the circuit toward Symphonics is not closed); a load balancer
   * keeps sending traffic, an operator looks. not_ready: the database is unreachable or not
   * migrated; the instance must not receive traffic.
   */
  status: "ready" | "degraded" | "not_ready";
  checks: { database: Check; migrations: Check; worker: Check; circuit: Check };
}

/** The newest migration this build expects, as drizzle records it (its journal's `when`). */
const expectedMigration = Math.max(...journal.entries.map((entry) => entry.when));

export async function checkReadiness(db: Executor, settings: ReadinessSettings): Promise<Readiness> {
  const unknown: Check = { ok: false, detail: "not checked: the database is unreachable" };
  try {
    await db.execute(sql`select 1`);
  } catch (error) {
    const detail = `unreachable: ${(error as { code?: string }).code ?? (error as Error).message}`;
    return { status: "not_ready", checks: { database: { ok: false, detail }, migrations: unknown, worker: unknown, circuit: unknown } };
  }
  const [applied] = await db
    .execute<{ latest: string | null }>(sql`select max(created_at)::text as latest from drizzle.__drizzle_migrations`)
    .catch(() => [{ latest: null }]);
  const latest = Number(applied?.latest ?? 0);
  const migrations: Check =
    latest >= expectedMigration
      ? { ok: true, detail: `applied up to ${journal.entries.at(-1)?.tag}` }
      : { ok: false, detail: `not applied: expected ${journal.entries.at(-1)?.tag}; run the migrations (npm run db:migrate; npm start applies them too)` };

  const state = await readOperationalState(db, { heartbeatMaxAgeSeconds: settings.heartbeatMaxAgeSeconds });
  const age = state.youngestHeartbeatAgeSeconds;
  const worker: Check =
    age !== null && age <= settings.heartbeatMaxAgeSeconds
      ? { ok: true, detail: `last heartbeat ${Math.round(age)} s ago` }
      : { ok: false, detail: age === null ? "no worker has ever sent a heartbeat" : `last heartbeat ${Math.round(age)} s ago` };
  const notClosed = state.circuits.filter((c) => c.state !== "closed");
  const circuit: Check = notClosed.length
    ? { ok: false, detail: notClosed.map((c) => `${c.name} ${c.state} for ${Math.round(c.openSeconds)} s`).join("; ") }
    : { ok: true, detail: "closed" };

  const status = !migrations.ok ? "not_ready" : worker.ok && circuit.ok ? "ready" : "degraded";
  return { status, checks: { database: { ok: true, detail: "reachable" }, migrations, worker, circuit } };
}

import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";

/**
 * Circuit breaker toward Symphonics, in PostgreSQL (circuit_breakers) so that every worker obeys
 * the same state and the web app can show it.
 *
 * closed: calls go through. After `failureThreshold` consecutive failures (5xx, timeouts, lost
 * connections) it opens: nobody calls until `probeAt`. Then one caller, and one only, takes the
 * probe (half_open): its success closes the circuit, its failure opens it for another cool-down.
 * A probe whose worker died is handed to someone else after `probeTimeoutMs`.
 */
export interface BreakerSettings {
  name: string;
  failureThreshold: number;
  cooldownMs: number;
  probeTimeoutMs: number;
}

export type Permission = { allowed: true; probe: boolean } | { allowed: false; retryAt: Date };

const ensured = new WeakMap<object, Set<string>>();

async function ensureBreaker(db: Executor, name: string): Promise<void> {
  const names = ensured.get(db) ?? new Set<string>();
  ensured.set(db, names);
  if (names.has(name)) return;
  await db.execute(sql`insert into circuit_breakers (name) values (${name}) on conflict (name) do nothing`);
  names.add(name);
}

/** SQL: the circuit is closed, so a call needs no permission (a missing row is not: requestPermission creates it). */
export function circuitClosedSql(settings: BreakerSettings): SQL<boolean> {
  return sql<boolean>`exists (select 1 from circuit_breakers where name = ${settings.name} and state = 'closed')`;
}

/** SQL: closed with no failure counted, so a success has nothing to reset (see recordHealthy). */
export function circuitHealthySql(settings: BreakerSettings): SQL<boolean> {
  return sql<boolean>`exists (select 1 from circuit_breakers where name = ${settings.name} and state = 'closed' and consecutive_failures = 0)`;
}

export async function requestPermission(db: Executor, settings: BreakerSettings): Promise<Permission> {
  await ensureBreaker(db, settings.name);
  const [current] = await db.execute<{ state: string; probe_at: Date | null; due: boolean }>(
    sql`select state, probe_at, coalesce(probe_at <= clock_timestamp(), true) as due from circuit_breakers where name = ${settings.name}`,
  );
  if (!current || current.state === "closed") return { allowed: true, probe: false };
  if (current.due) {
    const [probe] = await db.execute<{ name: string }>(sql`
      update circuit_breakers
      set state = 'half_open', probe_at = clock_timestamp() + ${settings.probeTimeoutMs}::float8 * interval '1 millisecond', updated_at = now()
      where name = ${settings.name} and state <> 'closed' and coalesce(probe_at <= clock_timestamp(), true)
      returning name`);
    if (probe) return { allowed: true, probe: true };
  }
  const [after] = await db.execute<{ state: string; probe_at: Date | null }>(
    sql`select state, probe_at from circuit_breakers where name = ${settings.name}`,
  );
  if (!after || after.state === "closed") return { allowed: true, probe: false };
  return { allowed: false, retryAt: new Date(after.probe_at ?? Date.now() + settings.cooldownMs) };
}

/** Symphonics answered (any answer that shows it is up): the circuit closes, the count restarts. */
export async function recordHealthy(db: Executor, settings: BreakerSettings): Promise<void> {
  await ensureBreaker(db, settings.name);
  await db.execute(sql`
    update circuit_breakers set state = 'closed', consecutive_failures = 0, opened_at = null, probe_at = null, updated_at = now()
    where name = ${settings.name} and (state <> 'closed' or consecutive_failures <> 0)`);
}

/** Symphonics failed (5xx, timeout, connection lost). Returns true when this failure opened the circuit. */
export async function recordFailure(db: Executor, settings: BreakerSettings): Promise<{ opened: boolean }> {
  await ensureBreaker(db, settings.name);
  const [row] = await db.execute<{ opened: boolean }>(sql`
    with previous as (select name, state, consecutive_failures from circuit_breakers where name = ${settings.name} for update),
    next as (
      select name, consecutive_failures + 1 as failures,
        (state = 'half_open' or (state = 'closed' and consecutive_failures + 1 >= ${settings.failureThreshold})) as opens
      from previous
    )
    update circuit_breakers c
    set consecutive_failures = n.failures,
        state = case when n.opens then 'open' else c.state end,
        opened_at = case when n.opens then clock_timestamp() else c.opened_at end,
        probe_at = case when n.opens then clock_timestamp() + ${settings.cooldownMs}::float8 * interval '1 millisecond' else c.probe_at end,
        updated_at = now()
    from next n where c.name = n.name
    returning n.opens as opened`);
  return { opened: Boolean(row?.opened) };
}

import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";

/**
 * Token bucket toward Symphonics, kept in PostgreSQL (rate_limit_buckets) because its limit is
 * per client: every worker process, on every machine, draws from the same bucket.
 *
 * A caller reserves its turn rather than polling for a free token: the bucket may go into debt,
 * and each reservation is told how long to wait before sending. Requests are thus paced evenly
 * with one database round trip each, however many workers compete. A 429's Retry-After puts the
 * bucket into debt for that long, so nobody sends before it.
 */
export interface RateLimitSettings {
  name: string;
  perSecond: number;
  burst: number;
  /** Longer waits are refused, so the caller can postpone its job instead of holding a worker. */
  maxWaitMs: number;
}

export type Reservation = { granted: true; waitMs: number } | { granted: false; retryInMs: number };

const ensured = new WeakMap<object, Set<string>>();

async function ensureBucket(db: Executor, settings: RateLimitSettings): Promise<void> {
  const names = ensured.get(db) ?? new Set<string>();
  ensured.set(db, names);
  if (names.has(settings.name)) return;
  await db.execute(sql`
    insert into rate_limit_buckets (name, tokens, refilled_at) values (${settings.name}, ${settings.burst}, clock_timestamp())
    on conflict (name) do nothing`);
  names.add(settings.name);
}

/** Reserves `count` requests; on success the caller waits `waitMs`, then sends them. */
export async function reserveRequests(db: Executor, settings: RateLimitSettings, count = 1): Promise<Reservation> {
  await ensureBucket(db, settings);
  const { name, perSecond, burst, maxWaitMs } = settings;
  const maxDebt = (maxWaitMs / 1000) * perSecond;
  const [row] = await db.execute<{ granted: boolean; wait_ms: number }>(sql`
    with current_bucket as (
      select name, clock_timestamp() as at,
        least(${burst}::float8, tokens + greatest(0, extract(epoch from clock_timestamp() - refilled_at)) * ${perSecond}::float8) as available
      from rate_limit_buckets where name = ${name} for update
    ), decision as (
      select name, at, available, (available - ${count}::float8) >= -${maxDebt}::float8 as granted from current_bucket
    )
    update rate_limit_buckets b
    set tokens = case when d.granted then d.available - ${count}::float8 else d.available end, refilled_at = d.at
    from decision d where b.name = d.name
    returning d.granted, (greatest(0, ${count}::float8 - d.available) / ${perSecond}::float8 * 1000)::float8 as wait_ms`);
  if (!row) throw new Error(`rate limit bucket ${name} is missing`);
  const waitMs = Math.ceil(Number(row.wait_ms));
  return row.granted ? { granted: true, waitMs } : { granted: false, retryInMs: waitMs };
}

/** Symphonics answered 429: nobody sends before its Retry-After. */
export async function holdUntilRetryAfter(db: Executor, settings: RateLimitSettings, retryAfterMs: number): Promise<void> {
  await ensureBucket(db, settings);
  const seconds = Math.max(retryAfterMs, 0) / 1000;
  await db.execute(sql`
    update rate_limit_buckets
    set tokens = least(
          least(${settings.burst}::float8, tokens + greatest(0, extract(epoch from clock_timestamp() - refilled_at)) * ${settings.perSecond}::float8),
          -${seconds * settings.perSecond}::float8),
        refilled_at = clock_timestamp(),
        blocked_until = greatest(coalesce(blocked_until, clock_timestamp()), clock_timestamp() + ${seconds}::float8 * interval '1 second')
    where name = ${settings.name}`);
}

import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { executePrepared } from "@/db/sql";
import type { RateLimitState } from "@/lib/symphonics/outcomes";

/**
 * Token bucket toward Symphonics, kept in PostgreSQL (rate_limit_buckets) because its limit is
 * per client: every worker process, on every machine, draws from the same bucket.
 *
 * A caller reserves its turn rather than polling for a free token: the bucket may go into debt,
 * and each reservation is told how long to wait before sending. Requests are thus paced evenly
 * with one database round trip each, however many workers compete. A Retry-After (429, 503 or
 * any 5xx that carries one) puts the bucket into debt for that long, so nobody sends before it;
 * a run whose turn was granted before such a hold asks `holdSince` before each call.
 *
 * Symphonics' own count comes back on every answer (RateLimit-Remaining): the next reservation
 * of this process believes the lower of the two buckets, so a bucket that drifted (restarts,
 * refused requests Symphonics charged) never makes us overshoot into 429s.
 */
export interface RateLimitSettings {
  name: string;
  perSecond: number;
  burst: number;
  /** Longer waits are refused, so the caller can postpone its job instead of holding a worker. */
  maxWaitMs: number;
}

/**
 * `waitMs`: until the last of the requests may go; the k-th (from 0) may go after
 * `slotDelayMs(reservation, k)`. `heldUntil`: the end of the hold the reservation saw (epoch ms),
 * already in its wait.
 */
export type Reservation =
  | { granted: true; waitMs: number; heldUntil: number; available: number; perSecond: number }
  | { granted: false; retryInMs: number };

/** When the k-th request of a reservation may leave, from the reservation: requests of one turn are paced, not sent in one burst. */
export function slotDelayMs(reservation: Extract<Reservation, { granted: true }>, k: number): number {
  return Math.max(0, Math.ceil(((k + 1 - reservation.available) / reservation.perSecond) * 1000));
}

/** What this process last learnt of Symphonics' bucket: `tokens` at `at` (epoch ms), per bucket name. */
const partnerBuckets = new Map<string, { tokens: number; at: number }>();

/** Symphonics' tokens now, by its last answer, refilled at our rate since; null when unknown. */
function partnerTokens(settings: RateLimitSettings, now: number): number | null {
  const known = partnerBuckets.get(settings.name);
  if (!known) return null;
  const tokens = known.tokens + ((now - known.at) / 1000) * settings.perSecond;
  return tokens >= settings.burst ? null : tokens;
}

/**
 * An answer's RateLimit-* headers, `at` the time it left (epoch ms). The lowest estimate wins:
 * answers come back out of order, and an older one cannot know of requests sent since.
 * Remaining is floored at 0 by Symphonics; a bucket in debt shows in Reset (seconds until full).
 */
export function observePartnerBucket(settings: RateLimitSettings, state: RateLimitState | null, at: number): void {
  if (!state || state.remaining === null) return;
  const fromReset = state.resetSeconds === null ? state.remaining : settings.burst - state.resetSeconds * settings.perSecond;
  const tokens = state.remaining > 0 ? state.remaining : Math.min(0, fromReset);
  const current = partnerTokens(settings, at);
  if (current === null || tokens < current) partnerBuckets.set(settings.name, { tokens, at });
}

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
  // Symphonics' count caps ours; unknown (or full), the burst does.
  const partnerCap = partnerTokens(settings, Date.now()) ?? burst;
  const [row] = await executePrepared<{ granted: boolean; wait_ms: number; held_until: number | null; available: number }>(
    db,
    sql`
    with current_bucket as (
      select name, clock_timestamp() as at, blocked_until,
        least(${burst}::float8, ${partnerCap}::float8, tokens + greatest(0, extract(epoch from clock_timestamp() - refilled_at)) * ${perSecond}::float8) as available
      from rate_limit_buckets where name = ${name} for update
    ), decision as (
      select name, at, available, blocked_until, (available - ${count}::float8) >= -${maxDebt}::float8 as granted from current_bucket
    )
    update rate_limit_buckets b
    set tokens = case when d.granted then d.available - ${count}::float8 else d.available end, refilled_at = d.at
    from decision d where b.name = d.name
    returning d.granted, (greatest(0, ${count}::float8 - d.available) / ${perSecond}::float8 * 1000)::float8 as wait_ms,
      (extract(epoch from d.blocked_until) * 1000)::float8 as held_until, d.available::float8 as available`,
  );
  if (!row) throw new Error(`rate limit bucket ${name} is missing`);
  const waitMs = Math.ceil(Number(row.wait_ms));
  if (!row.granted) return { granted: false, retryInMs: waitMs };
  const reservation: Reservation = { granted: true, waitMs, heldUntil: Number(row.held_until ?? 0), available: Number(row.available), perSecond };
  grants.set(reservation, { at: Date.now(), announced: announcements.get(name) ?? 0 });
  return reservation;
}

/** When this process was granted each reservation, and how many holds it had announced by then. */
const grants = new WeakMap<Reservation, { at: number; announced: number }>();
/**
 * A call that leaves this soon after its reservation, with no hold announced by this process since,
 * needs no read of the hold: the reservation read it in the same statement, and a read now could
 * miss a hold written just after it all the same. It spares an idle publication a round trip.
 */
const FRESH_RESERVATION_MS = 10;

/** `holdSince` for a call about to use its turn of `reservation`. */
export async function holdBeforeCall(db: Executor, settings: RateLimitSettings, reservation: Extract<Reservation, { granted: true }>): Promise<number> {
  const grant = grants.get(reservation);
  if (grant && Date.now() - grant.at <= FRESH_RESERVATION_MS && (announcements.get(settings.name) ?? 0) === grant.announced) return 0;
  return holdSince(db, settings, reservation.heldUntil);
}

/**
 * A hold this process is announcing, per bucket name (epoch ms), seen without a round trip until
 * its write is in the database, which is the one source of truth from then on.
 */
const ownHolds = new Map<string, number>();
/**
 * Holds this process has announced, counted per bucket name: a read of the hold that began before
 * the latest announcement may not see it (its write not in yet), so it is not trusted.
 */
const announcements = new Map<string, number>();
/** One read of the hold at a time per database and bucket: concurrent callers share it while no hold was announced since it began. */
const holdReads = new WeakMap<object, Map<string, { since: number; read: Promise<{ until: number; remainingMs: number }> }>>();

function currentHold(db: Executor, name: string): { since: number; read: Promise<{ until: number; remainingMs: number }> } {
  const reads = holdReads.get(db) ?? new Map<string, { since: number; read: Promise<{ until: number; remainingMs: number }> }>();
  holdReads.set(db, reads);
  const since = announcements.get(name) ?? 0;
  const pending = reads.get(name);
  if (pending && pending.since === since) return pending;
  const entry = {
    since,
    read: executePrepared<{ until: number | null; remaining_ms: number | null }>(
      db,
      sql`
        select (extract(epoch from blocked_until) * 1000)::float8 as until,
          (extract(epoch from blocked_until - clock_timestamp()) * 1000)::float8 as remaining_ms
        from rate_limit_buckets where name = ${name}`,
    )
      .then(([row]) => ({ until: Number(row?.until ?? 0), remainingMs: Number(row?.remaining_ms ?? 0) }))
      .finally(() => {
        if (reads.get(name) === entry) reads.delete(name);
      }),
  };
  reads.set(name, entry);
  return entry;
}

/**
 * How long a caller whose turn was granted with `reservation.heldUntil` must still wait because
 * Symphonics announced a hold since (0: none, go). Asked before each call: a turn granted before
 * a 503 or 429 elsewhere must not be spent inside its Retry-After. A hold this process announced
 * while the read was on its way is asked again: the read may have left before it was written.
 */
export async function holdSince(db: Executor, settings: RateLimitSettings, heldUntil: number): Promise<number> {
  for (;;) {
    const own = ownHolds.get(settings.name) ?? 0;
    if (own > heldUntil + 1 && own > Date.now()) return Math.ceil(own - Date.now());
    const { since, read } = currentHold(db, settings.name);
    const hold = await read;
    if ((announcements.get(settings.name) ?? 0) !== since) continue;
    return hold.until > heldUntil + 1 && hold.remainingMs > 0 ? Math.ceil(hold.remainingMs) : 0;
  }
}

/** Symphonics answered with a Retry-After (429, 503, any 5xx): nobody sends before it. */
export async function holdUntilRetryAfter(db: Executor, settings: RateLimitSettings, retryAfterMs: number): Promise<void> {
  const seconds = Math.max(retryAfterMs, 0) / 1000;
  // This process's own calls see it at once, before the round trip below.
  const announced = Math.max(ownHolds.get(settings.name) ?? 0, Date.now() + seconds * 1000);
  ownHolds.set(settings.name, announced);
  announcements.set(settings.name, (announcements.get(settings.name) ?? 0) + 1);
  await ensureBucket(db, settings);
  await db.execute(sql`
    update rate_limit_buckets
    set tokens = least(
          least(${settings.burst}::float8, tokens + greatest(0, extract(epoch from clock_timestamp() - refilled_at)) * ${settings.perSecond}::float8),
          -${seconds * settings.perSecond}::float8),
        refilled_at = clock_timestamp(),
        blocked_until = greatest(coalesce(blocked_until, clock_timestamp()), clock_timestamp() + ${seconds}::float8 * interval '1 second')
    where name = ${settings.name}`);
  if (ownHolds.get(settings.name) === announced) ownHolds.delete(settings.name);
}

import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { connect } from "@/db/client";
import { useTestDatabase } from "@/db/testing";
import { holdSince, holdUntilRetryAfter, observePartnerBucket, reserveRequests, type RateLimitSettings } from "./rate-limiter";

const { db, url } = await useTestDatabase();
let counter = 0;
const bucket = (overrides: Partial<RateLimitSettings> = {}): RateLimitSettings => ({ name: `test-${++counter}`, perSecond: 20, burst: 5, maxWaitMs: 5_000, ...overrides });

describe("rate limiter in PostgreSQL", () => {
  it("grants the burst at once, then paces reservations at the rate", async () => {
    const settings = bucket();
    const waits: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const reservation = await reserveRequests(db, settings);
      expect(reservation.granted).toBe(true);
      if (reservation.granted) waits.push(reservation.waitMs);
    }
    expect(waits.slice(0, 5).every((wait) => wait === 0)).toBe(true);
    // The 10th request is the 5th beyond the burst: about 5 / 20 s later, less the refill meanwhile.
    expect(waits[9]).toBeGreaterThan(150);
    expect(waits[9]).toBeLessThanOrEqual(250);
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
  });

  it("refuses a reservation that would wait longer than maxWait, and takes nothing for it", async () => {
    const settings = bucket({ perSecond: 1, burst: 1, maxWaitMs: 2_000 });
    expect(await reserveRequests(db, settings, 3)).toMatchObject({ granted: true, waitMs: expect.any(Number) });
    const refused = await reserveRequests(db, settings, 1);
    expect(refused.granted).toBe(false);
    if (!refused.granted) expect(refused.retryInMs).toBeGreaterThan(2_000);
    const again = await reserveRequests(db, settings, 1);
    expect(again.granted).toBe(false);
  });

  it("after a 429, nobody is granted a turn before Retry-After", async () => {
    const settings = bucket({ burst: 40 });
    await holdUntilRetryAfter(db, settings, 2_000);
    const reservation = await reserveRequests(db, settings);
    expect(reservation.granted).toBe(true);
    if (reservation.granted) expect(reservation.waitMs).toBeGreaterThanOrEqual(1_900);
    const [row] = await db.execute<{ blocked: boolean }>(sql`select blocked_until > now() + interval '1.5 seconds' as blocked from rate_limit_buckets where name = ${settings.name}`);
    expect(row!.blocked).toBe(true);
  });

  it("believes Symphonics' RateLimit-Remaining when it is lower than our own count, never when higher", async () => {
    const settings = bucket({ perSecond: 20, burst: 40 });
    // Symphonics counts 38 requests we did not account for (another process restarted with a full bucket...).
    observePartnerBucket(settings, { limit: 20, remaining: 2, resetSeconds: 2 }, Date.now());
    const waits: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const reservation = await reserveRequests(db, settings);
      if (reservation.granted) waits.push(reservation.waitMs);
    }
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits[3]).toBeGreaterThan(40);

    const other = bucket({ perSecond: 20, burst: 5 });
    observePartnerBucket(other, { limit: 20, remaining: 40, resetSeconds: 0 }, Date.now());
    for (let i = 0; i < 5; i += 1) expect(await reserveRequests(db, other)).toMatchObject({ granted: true, waitMs: 0 });
    expect(await reserveRequests(db, other)).toMatchObject({ granted: true, waitMs: expect.any(Number) });
  });

  it("a hold announced after a turn was granted is reported to that turn; one seen at the reservation is not", async () => {
    const settings = bucket({ burst: 40 });
    const before = await reserveRequests(db, settings);
    if (!before.granted) throw new Error("refused");
    expect(await holdSince(db, settings, before.heldUntil)).toBe(0);
    await holdUntilRetryAfter(db, settings, 2_000);
    expect(await holdSince(db, settings, before.heldUntil)).toBeGreaterThan(1_500);
    const after = await reserveRequests(db, settings);
    if (!after.granted) throw new Error("refused");
    expect(after.waitMs).toBeGreaterThanOrEqual(1_900);
    expect(await holdSince(db, settings, after.heldUntil)).toBe(0);
  });

  it("a hold this process announces while a read of the hold is on its way is not missed: the read may have left before the hold was written", async () => {
    const settings = bucket({ burst: 40 });
    const turn = await reserveRequests(db, settings);
    if (!turn.granted) throw new Error("refused");
    // The read leaves first; the 503 is announced while it travels, and its write lands after it.
    const asking = holdSince(db, settings, turn.heldUntil);
    const announcing = holdUntilRetryAfter(db, settings, 2_000);
    // Another caller joining while the read is still out is told too.
    const joining = holdSince(db, settings, turn.heldUntil);
    expect(await asking).toBeGreaterThan(1_500);
    expect(await joining).toBeGreaterThan(1_500);
    await announcing;
  });

  it("shares one pace among many connections (as among worker processes)", async () => {
    const settings = bucket({ perSecond: 50, burst: 1, maxWaitMs: 10_000 });
    const pools = Array.from({ length: 4 }, () => connect(url, { max: 4 }));
    try {
      const started = performance.now();
      const reservations = await Promise.all(Array.from({ length: 100 }, (_, i) => reserveRequests(pools[i % 4]!.db, settings)));
      // On a loaded machine the 100 reservations themselves spread over this long, and each wait counts from its own.
      const spreadMs = performance.now() - started;
      const waits = reservations.map((r) => (r.granted ? r.waitMs : Number.NaN)).sort((a, b) => a - b);
      // 100 requests at 50/s with a burst of 1 take about 2 s, whatever connection asked.
      expect(waits.every(Number.isFinite)).toBe(true);
      expect(waits[99]! + spreadMs).toBeGreaterThan(1_800);
      expect(waits[99]).toBeLessThan(2_100);
      for (let i = 1; i < waits.length; i += 1) expect(waits[i]! - waits[i - 1]!).toBeLessThan(25);
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
    }
  });
});

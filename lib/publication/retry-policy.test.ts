import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelayMs, nextRetry, type RetrySettings } from "./retry-policy";

const settings: RetrySettings = { baseMs: 10_000, capMs: 30 * 60_000, budgetMs: 24 * 3_600_000 };
const start = new Date("2026-11-20T10:00:00Z");
const at = (ms: number) => new Date(start.getTime() + ms);

describe("retry policy", () => {
  it("doubles from the base to the cap, half fixed and half jitter", () => {
    expect(backoffDelayMs(settings, 1, () => 0)).toBe(5_000);
    expect(backoffDelayMs(settings, 1, () => 1 - 1e-12)).toBe(10_000);
    expect(backoffDelayMs(settings, 2, () => 1 - 1e-12)).toBe(20_000);
    expect(backoffDelayMs(settings, 4, () => 0)).toBe(40_000);
    expect(backoffDelayMs(settings, 9, () => 1 - 1e-12)).toBe(30 * 60_000);
    expect(backoffDelayMs(settings, 500, () => 1 - 1e-12)).toBe(30 * 60_000);
  });

  it("stays within [step/2, step] for any failure count and random draw", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (failures, draw) => {
        const step = Math.min(settings.capMs, settings.baseMs * 2 ** Math.min(failures - 1, 30));
        const delay = backoffDelayMs(settings, failures, () => draw);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(step / 2));
        expect(delay).toBeLessThanOrEqual(step);
      }),
    );
  });

  it("never retries before Retry-After", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 3_600_000 }), (failures, retryAfterMs) => {
        const decision = nextRetry(settings, { consecutiveFailures: failures, firstFailureAt: start, now: at(1000), retryAfterMs, random: () => 0 });
        expect(decision.retry).toBe(true);
        if (decision.retry) expect(decision.delayMs).toBeGreaterThanOrEqual(retryAfterMs);
      }),
    );
  });

  it("keeps retrying for the whole budget (at least 24 h of attempts), then gives up", () => {
    let now = start;
    let failures = 0;
    for (;;) {
      failures += 1;
      const decision = nextRetry(settings, { consecutiveFailures: failures, firstFailureAt: start, now, random: () => 0.5 });
      if (!decision.retry) break;
      now = decision.at;
    }
    expect(now.getTime() - start.getTime()).toBeGreaterThanOrEqual(settings.budgetMs);
    // 10 s doubling reaches the 30 min cap after 8 steps, then about 30 min each: some 60 attempts.
    expect(failures).toBeGreaterThan(50);
    expect(failures).toBeLessThan(80);
  });
});

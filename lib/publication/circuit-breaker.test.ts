import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { recordFailure, recordHealthy, requestPermission, type BreakerSettings } from "./circuit-breaker";

const { db } = await useTestDatabase();
let counter = 0;
const breaker = (overrides: Partial<BreakerSettings> = {}): BreakerSettings => ({
  name: `test-${++counter}`,
  failureThreshold: 3,
  cooldownMs: 300,
  probeTimeoutMs: 1_000,
  ...overrides,
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("circuit breaker in PostgreSQL", () => {
  it("opens after the threshold of consecutive failures, and a success in between resets the count", async () => {
    const settings = breaker();
    await recordFailure(db, settings);
    await recordFailure(db, settings);
    await recordHealthy(db, settings);
    expect((await recordFailure(db, settings)).opened).toBe(false);
    expect((await recordFailure(db, settings)).opened).toBe(false);
    expect(await requestPermission(db, settings)).toEqual({ allowed: true, probe: false });
    expect((await recordFailure(db, settings)).opened).toBe(true);
    const refused = await requestPermission(db, settings);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("lets exactly one probe through after the cool-down; its success closes the circuit", async () => {
    const settings = breaker({ failureThreshold: 1 });
    await recordFailure(db, settings);
    await sleep(350);
    const permissions = await Promise.all(Array.from({ length: 20 }, () => requestPermission(db, settings)));
    expect(permissions.filter((p) => p.allowed)).toEqual([{ allowed: true, probe: true }]);
    await recordHealthy(db, settings);
    expect(await requestPermission(db, settings)).toEqual({ allowed: true, probe: false });
  });

  it("a failed probe opens the circuit for another cool-down; a lost probe is handed on after its timeout", async () => {
    const settings = breaker({ failureThreshold: 1, probeTimeoutMs: 400 });
    await recordFailure(db, settings);
    await sleep(350);
    expect(await requestPermission(db, settings)).toEqual({ allowed: true, probe: true });
    expect((await recordFailure(db, settings)).opened).toBe(true);
    expect((await requestPermission(db, settings)).allowed).toBe(false);
    await sleep(350);
    expect(await requestPermission(db, settings)).toEqual({ allowed: true, probe: true });
    // That probe's worker dies: nobody else probes until its timeout...
    expect((await requestPermission(db, settings)).allowed).toBe(false);
    await sleep(450);
    // ...then someone does.
    expect(await requestPermission(db, settings)).toEqual({ allowed: true, probe: true });
  });
});

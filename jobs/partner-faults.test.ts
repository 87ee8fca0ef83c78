/**
 * The partner's strictest readings, with real worker processes, real PostgreSQL and the sandbox
 * over HTTP: a 503's Retry-After holds every worker (not only the run that got it), and a large
 * dossier keeps moving under intermittent faults.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { publications } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { eligibleInput, fastPipelineEnv, photosInput, sampleFileStorage, waitFor } from "@/lib/publication/test-support";
import { startSandbox } from "@/sandbox/server";

const LARGE_DOSSIER_PHOTOS = 2000;
const pipelineEnv = fastPipelineEnv({ FILE_STORAGE_DIR: sampleFileStorage(photosInput(LARGE_DOSSIER_PHOTOS).map((p) => p.file_path)) });
Object.assign(process.env, pipelineEnv);
const sandbox = await startSandbox({ port: 0, rateLimit: false, tokenEndpointLimitPerMinute: false, processingDelayMs: 600_000 });
process.env.SYMPHONICS_BASE_URL = sandbox.url;
const { db, url } = await useTestDatabase();

const root = path.resolve(import.meta.dirname, "..");
const workers = new Set<ChildProcess>();

function startWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "jobs/worker.ts"], {
    cwd: root,
    env: { ...process.env, ...pipelineEnv, ...env, DATABASE_URL: url, SYMPHONICS_BASE_URL: sandbox.url, NODE_ENV: "test", WORKER_METRICS_PORT: "0" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  workers.add(child);
  child.on("exit", () => workers.delete(child));
  return child;
}

async function stopWorkers() {
  await Promise.all([...workers].map((child) => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM")))));
}

afterEach(stopWorkers);
afterAll(() => sandbox.close());

let counter = 0;
const eligible = async (overrides: Parameters<typeof eligibleInput>[0] = {}) => {
  const reference = `INT-FAULTS-${process.pid}-${++counter}`;
  const { id } = await putIntervention(db, reference, eligibleInput(overrides), systemPrincipal);
  return { id, reference };
};
const publishedCount = (ids: string[]) => db.$count(publications, and(inArray(publications.interventionId, ids), eq(publications.status, "published")));
const v1Requests = () => sandbox.ledger().requests.filter((r) => r.path.includes("/v1/"));

describe("a 503 with Retry-After", () => {
  it("holds every worker: no request reaches /v1 during the announced 2 s, then the backlog is published", async () => {
    sandbox.reset();
    // Two worker processes paced at 20 requests/s, so requests keep leaving while the hold is announced.
    const paced = { SYMPHONICS_RATE_LIMIT_PER_SECOND: "20", SYMPHONICS_RATE_LIMIT_BURST: "1" };
    startWorker(paced);
    startWorker(paced);
    const ids: string[] = [];
    for (let i = 0; i < 60; i += 1) ids.push((await eligible()).id);
    await waitFor(async () => v1Requests().length >= 10, { timeoutMs: 60_000 });

    sandbox.startMaintenance(2);
    await waitFor(async () => (await publishedCount(ids)) === ids.length, { timeoutMs: 90_000, describe: async () => `${await publishedCount(ids)} published` });

    const requests = v1Requests();
    const announced = requests.find((r) => r.status === 503 && r.code === "maintenance");
    expect(announced).toBeDefined();
    const start = Date.parse(announced!.at);
    // Requests already on their way when the 503 left (sent before anyone could know) are not early;
    // on one machine that is a few milliseconds.
    const inFlightMs = 50;
    const early = requests.filter((r) => Date.parse(r.at) > start + inFlightMs && Date.parse(r.at) < start + 2000);
    expect(early).toEqual([]);
    // The sandbox's own count agrees: nothing arrived during a hold it announced.
    expect(sandbox.stats()).toMatchObject({ requestsDuringHolds: 0 });
    expect(sandbox.ledger().requestsDuringHolds).toEqual([]);
    expect(sandbox.ledger().dossiers).toHaveLength(ids.length);
  }, 180_000);
});

describe("a storm of 503 and 429 with Retry-After", () => {
  it("two workers send nothing during any hold the sandbox announced, and everything is published exactly once", async () => {
    sandbox.reset();
    // Our pace (150/s) above Symphonics' bucket (20/s, bursts of 10): real 429s, on top of injected
    // 503s and 429s (Retry-After: 1) and a maintenance window.
    sandbox.setRateLimit({ perSecond: 20, burst: 10 });
    sandbox.setFaults({ errorRate: 0.3 });
    startWorker({});
    startWorker({});
    // The sandbox runs in this process: while its event loop is stalled (a loaded machine, the
    // suite's other files), a request that reached it is timestamped late by as much.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    try {
      const ids: string[] = [];
      const references: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        const { id, reference } = await eligible();
        ids.push(id);
        references.push(reference);
      }
      await waitFor(async () => sandbox.stats().holdsAnnounced >= 3, { timeoutMs: 60_000 });
      sandbox.startMaintenance(2);
      await waitFor(async () => (await publishedCount(ids)) === ids.length, { timeoutMs: 150_000, describe: async () => `${await publishedCount(ids)} published` });

      const stats = sandbox.stats();
      const during = sandbox.ledger().requestsDuringHolds;
      // The sandbox counts a request as early from 50 ms after the announcement. A worker that did
      // not get the answer learns of it through PostgreSQL once the other has written it: on a loaded
      // machine that takes longer, so a request sent meanwhile was not sent knowingly early. Later
      // than this, it was.
      loopDelay.disable();
      const stalledMs = Math.round(loopDelay.max / 1e6);
      const propagationMs = 200 + stalledMs;
      const latest = Math.max(0, ...during.map((r) => r.msAfterAnnouncement));
      console.info(
        `storm: ${stats.requests} requests, ${stats.holdsAnnounced} Retry-After announced, ${stats.inFlightAtAnnouncement} within 50 ms of an announcement, ${stats.requestsDuringHolds} later (latest ${latest} ms after it); the sandbox's event loop stalled up to ${stalledMs} ms`,
      );
      expect(stats.holdsAnnounced).toBeGreaterThan(3);
      expect(during.filter((r) => r.msAfterAnnouncement > propagationMs)).toEqual([]);
      for (const reference of references) expect(sandbox.ledger().countsByExternalReference[reference]).toBe(1);
    } finally {
      loopDelay.disable();
      sandbox.setFaults({ errorRate: 0 });
      sandbox.setRateLimit(false);
    }
  }, 200_000);
});

describe("a large dossier under faults", () => {
  it("2,000 photos with 30 % of calls failing: a failed batch is retried within the run and each confirmed batch resets the backoff, so it completes well within 3 minutes", async () => {
    sandbox.reset();
    // A backoff long enough that failures piling up would show: 0.5 s doubling to 30 s.
    startWorker({ PUBLISH_RETRY_BASE_SECONDS: "0.5", PUBLISH_RETRY_CAP_SECONDS: "30", CIRCUIT_FAILURE_THRESHOLD: "1000" });
    sandbox.setFaults({ errorRate: 0.3 });
    const started = Date.now();
    try {
      const { id, reference } = await eligible({ photos: photosInput(LARGE_DOSSIER_PHOTOS) });
      let worstFailures = 0;
      await waitFor(
        async () => {
          const [publication] = await db.select().from(publications).where(eq(publications.interventionId, id));
          worstFailures = Math.max(worstFailures, publication!.consecutiveFailures);
          return publication!.status === "published";
        },
        { timeoutMs: 150_000, intervalMs: 200, describe: async () => `worst consecutive failures ${worstFailures}` },
      );
      const elapsed = Date.now() - started;
      const remote = sandbox.ledger().dossiers.find((d) => d.externalReference === reference);
      expect(remote?.photoCount).toBe(LARGE_DOSSIER_PHOTOS);
      expect(sandbox.ledger().countsByExternalReference[reference]).toBe(1);
      // Without the reset, failures accumulate over the 40 calls and the backoff reaches its 30 s cap.
      expect(worstFailures).toBeLessThan(6);
      console.info(`2,000-photo dossier under 30 % faults: published in ${(elapsed / 1000).toFixed(1)} s, worst consecutive failures ${worstFailures}`);
      // The bound is 3 minutes; this test has held the tighter 2 since before in-run retries.
      expect(elapsed).toBeLessThan(120_000);
    } finally {
      sandbox.setFaults({ errorRate: 0 });
    }
  }, 200_000);
});

/**
 * The pipeline under chaos: real PostgreSQL, the sandbox over real HTTP failing 30 % of calls
 * (500/502/503/429), losing 10 % of answers after storing, revoking tokens, while real worker
 * processes are killed with SIGKILL and restarted. Every eligible intervention must end up
 * published exactly once, and no ineligible one sent.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { interventions, publicationAttempts, publications } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { eligibleInput, fastPipelineEnv, ineligibleInput, sampleFileStorage, waitFor } from "@/lib/publication/test-support";
import { startSandbox } from "@/sandbox/server";

const ELIGIBLE = 200;
const INELIGIBLE = 50;

const pipelineEnv = fastPipelineEnv({ FILE_STORAGE_DIR: sampleFileStorage() });
Object.assign(process.env, pipelineEnv);
const sandbox = await startSandbox({
  port: 0,
  rateLimit: { perSecond: 200, burst: 200 },
  tokenEndpointLimitPerMinute: false,
  processingDelayMs: 60_000,
  faults: { errorRate: 0.3, dropAfterStoreRate: 0.1 },
});
process.env.SYMPHONICS_BASE_URL = sandbox.url;
const { db, url } = await useTestDatabase();

const root = path.resolve(import.meta.dirname, "..");
const workers = new Set<ChildProcess>();
const output: string[] = [];

function startWorker(): ChildProcess {
  // One process (node with tsx's loader), so that SIGKILL kills the worker itself.
  const child = spawn(process.execPath, ["--import", "tsx", "jobs/worker.ts"], {
    cwd: root,
    env: { ...process.env, ...pipelineEnv, DATABASE_URL: url, SYMPHONICS_BASE_URL: sandbox.url, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  workers.add(child);
  child.on("exit", () => workers.delete(child));
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

afterAll(async () => {
  for (const child of workers) child.kill("SIGKILL");
  await sandbox.close();
});

describe("reliability under chaos", () => {
  it("publishes every eligible intervention exactly once through failures, lost answers, revoked tokens and killed workers", { timeout: 180_000 }, async () => {
    startWorker();
    startWorker();

    const eligible: string[] = [];
    const ineligible: string[] = [];
    for (let i = 0; i < ELIGIBLE + INELIGIBLE; i += 1) {
      const reference = `INT-CHAOS-${i}`;
      const isEligible = i % 5 !== 4;
      await putIntervention(db, reference, isEligible ? eligibleInput() : ineligibleInput(), systemPrincipal);
      (isEligible ? eligible : ineligible).push(reference);
    }
    expect(eligible).toHaveLength(ELIGIBLE);

    const revoking = setInterval(() => sandbox.revokeAllTokens(), 1_500);
    const published = async () =>
      (await db.execute<{ n: number }>(sql`select count(*)::int as n from publications where status = 'published'`))[0]!.n;
    try {
      // Kill a worker mid-flight three times, starting a new one each time.
      for (let kill = 0; kill < 3; kill += 1) {
        await sleep(2_500);
        const victim = [...workers][0]!;
        victim.kill("SIGKILL");
        await exited(victim);
        startWorker();
      }
      await waitFor(async () => (await published()) === ELIGIBLE, {
        timeoutMs: 150_000,
        intervalMs: 500,
        describe: async () => {
          const states = await db.execute(sql`select status, count(*)::int as n from publications group by status`);
          return `${JSON.stringify(states)}\n${output.slice(-20).join("")}`;
        },
      });
    } finally {
      clearInterval(revoking);
    }

    // A graceful stop: finish what is in flight, exit 0.
    const stopping = [...workers].map(async (child) => {
      child.kill("SIGTERM");
      return exited(child);
    });
    expect(await Promise.all(stopping)).toEqual(stopping.map(() => 0));

    // Exactly one dossier per eligible intervention, none for the others.
    const ledger = sandbox.ledger();
    for (const reference of eligible) expect(ledger.countsByExternalReference[reference], reference).toBe(1);
    for (const reference of ineligible) expect(ledger.countsByExternalReference[reference] ?? 0, reference).toBe(0);
    expect(ledger.requests.filter((r) => ineligible.some((reference) => r.idempotencyKey?.includes(`:${reference}:`)))).toEqual([]);

    // Our records agree with Symphonics'.
    const rows = await db
      .select({ reference: interventions.reference, status: interventions.status, publication: publications })
      .from(interventions)
      .innerJoin(publications, eq(publications.interventionId, interventions.id));
    const byReference = new Map(rows.map((row) => [row.reference, row]));
    const dossierOf = new Map(ledger.dossiers.map((d) => [d.externalReference, d.id]));
    for (const reference of eligible) {
      const row = byReference.get(reference)!;
      expect(row.status).toBe("published");
      expect(row.publication.dossierId, reference).toBe(dossierOf.get(reference));
      expect(row.publication.attemptCount).toBeGreaterThanOrEqual(1);
    }
    for (const reference of ineligible) expect(byReference.get(reference)!.publication.status).toBe("not_ready");

    // The attempt log: each published intervention shows how its dossier came to be; nothing for the ineligible.
    const ineligibleIds = ineligible.map((reference) => byReference.get(reference)!.publication.interventionId);
    expect(await db.select().from(publicationAttempts).where(inArray(publicationAttempts.interventionId, ineligibleIds))).toEqual([]);
    const attempts = await db.select().from(publicationAttempts);
    const proof = new Set(
      attempts
        .filter(
          (a) =>
            (a.operation === "create_dossier" && ["success", "success_replayed", "dossier_exists"].includes(a.outcome)) ||
            (a.operation === "lookup_dossier" && a.outcome === "success"),
        )
        .map((a) => a.interventionId),
    );
    for (const reference of eligible) expect(proof.has(byReference.get(reference)!.publication.interventionId), reference).toBe(true);
    for (const attempt of attempts.filter((a) => a.operation === "create_dossier")) {
      expect(attempt.idempotencyKey).toMatch(/^dossier:INT-CHAOS-\d+:/);
    }
    expect(JSON.stringify(attempts)).not.toMatch(/sandbox-secret|Bearer [A-Za-z0-9]/);
    // The log cannot claim more created dossiers than Symphonics answered 201 for (a killed
    // worker may lose the records of its last exchanges, never invent one).
    const created201 = ledger.requests.filter((r) => r.method === "POST" && r.path.endsWith("/v1/dossiers") && r.status === 201).length;
    expect(attempts.filter((a) => a.operation === "create_dossier" && a.httpStatus === 201).length).toBeLessThanOrEqual(created201);
  });
});

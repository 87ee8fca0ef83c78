/**
 * npm run bench:publish — the publication pipeline's throughput and latency, printed with the
 * conditions they were measured under. A script, not a test: figures depend on the machine.
 *
 * 1. 2,000 eligible interventions at once, rate limit lifted (ours and the sandbox's): sandbox at
 *    0 ms with one worker process, then two, then at 100 ms added latency with one:
 *    publications/s, eligibility→published p50/p99; and idle latency (one intervention at a time).
 * 2. The machine's own ceilings against the same server, for the ratios: a bare pg-boss loop of as
 *    many no-op jobs (sent one by one; inserted at once and worked in batches of 50), and
 *    `pgbench` TPC-B (8 clients, 10 s) on a scratch database.
 * 3. The same backlog with Symphonics' 20/s limit and two worker processes: achieved rate as a
 *    share of the limit, share of 429 answers.
 * 4. Each worker process's peak RSS (VmHWM) over the backlogs, and a fresh worker's over one dossier
 *    of 2,000 photos (41 calls).
 *
 * Before a lifted backlog, the workers publish a warm-up batch that is not measured: a worker that
 * meets a backlog has been running, with its access token, its connections and its compiled code.
 * What a fresh worker takes is printed apart (the warm-up's latency), and so is where the CPU went
 * during each drain: the workers, PostgreSQL, and this process (the sandbox).
 *
 * Needs DATABASE_URL pointing at a PostgreSQL server; it creates and drops its own database.
 * BENCH_COUNT overrides the 2,000. BENCH_ONLY runs some parts only, e.g. BENCH_ONLY=lifted,tpcb
 * (parts: lifted, bare, tpcb, limited, dossier), to compare two versions quickly; the shares
 * need lifted with bare or tpcb.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { inArray } from "drizzle-orm";
import { PgBoss } from "pg-boss";
import postgres from "postgres";
import { buildWorkerCommand } from "@/cli/build-worker";
import { connect } from "@/db/client";
import { prepareDatabase } from "@/db/prepare";
import { beneficiaries, interventions } from "@/db/schema";
import { withDatabase } from "@/db/testing-urls";
import { config } from "@/lib/config";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { publicationQueue, stopPublicationQueues } from "@/lib/publication/queue";
import { pipelineSettings } from "@/lib/publication/settings";
import { eligibleInput, photosInput, sampleFileStorage } from "@/lib/publication/test-support";
import { onInterventionChanged } from "@/lib/publication/trigger";
import { startSandbox } from "@/sandbox/server";

const COUNT = Number(process.env.BENCH_COUNT ?? 2000);
const IDLE_SAMPLES = 100;
const WARM_UP = 200;
const PARTS = ["lifted", "bare", "tpcb", "limited", "dossier"] as const;
const only = (process.env.BENCH_ONLY ?? PARTS.join(",")).split(",");
for (const part of only) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`BENCH_ONLY takes ${PARTS.join(", ")}, not ${part}`);
const runs = (part: (typeof PARTS)[number]) => only.includes(part);
const root = path.resolve(import.meta.dirname, "..");
const server = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const databaseName = `sp_bench_${randomBytes(4).toString("hex")}`;
const url = withDatabase(server, databaseName);
const admin = postgres(server, { max: 1, onnotice: () => {} });

const worker = { WORKER_BATCH_SIZE: "50", WORKER_CONCURRENCY: "4", WORKER_POLL_SECONDS: "2" };
const LARGE_DOSSIER_PHOTOS = 2000;
const storage = sampleFileStorage(photosInput(LARGE_DOSSIER_PHOTOS).map((photo) => photo.file_path));
// Killed on the way out, whatever happens: an orphaned worker would keep polling a dropped database.
const spawned = new Set<ChildProcess>();
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
/** A process's peak resident set so far, in MB (Linux's VmHWM); NaN where /proc is not there. */
const peakRssMb = (pid: number | undefined) => {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
};
/** CPU seconds (user and system, every thread) a process has used so far; 0 once it is gone. */
const cpuSeconds = (pid: number | string | undefined) => {
  try {
    // The fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks (100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
};
/** Every PostgreSQL server process on this machine (the server the benchmark uses, when it runs here). */
const postgresCpuSeconds = () => {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") total += cpuSeconds(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
};
/** The machine's busy CPU seconds so far, all cores (from /proc/stat: everything but idle and iowait). */
const machineBusySeconds = () => {
  const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).slice(1).map(Number);
  return (ticks.reduce((sum, n) => sum + n, 0) - ticks[3]! - ticks[4]!) / 100;
};
const fmt = (n: number, digits = 0) => n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  await admin.unsafe(`create database "${databaseName}"`);
  await prepareDatabase(url);
  process.env.DATABASE_URL = url;
  process.env.FILE_STORAGE_DIR = storage;
  process.env.FILES_PUBLIC_BASE_URL = "https://files.bench.invalid";
  const { db, sql: client, close } = connect(url, { max: 10 });
  // The queue putIntervention's trigger uses too: one sender for the script.
  const queue = publicationQueue(url);
  const sandbox = await startSandbox({ port: 0, rateLimit: false, tokenEndpointLimitPerMinute: false, processingDelayMs: 3_600_000 });
  const workers: ChildProcess[] = [];
  // The workers run as `npm run worker` runs them: bundled, with bare node.
  const workerCommand = await buildWorkerCommand();

  const startWorkers = async (count: number, env: Record<string, string>) => {
    for (let i = 0; i < count; i += 1) {
      const child = spawn(process.execPath, workerCommand, {
        cwd: root,
        // No metrics server: a second worker would find the port taken, and nothing scrapes it here.
        env: { ...process.env, ...worker, ...env, DATABASE_URL: url, SYMPHONICS_BASE_URL: sandbox.url, LOG_LEVEL: "warn", WORKER_METRICS_PORT: "0" },
        stdio: ["ignore", "inherit", "inherit"],
      });
      workers.push(child);
      spawned.add(child);
      child.once("exit", () => spawned.delete(child));
    }
    // Ready once each has registered its heartbeat.
    for (;;) {
      const [row] = await client<{ n: number }[]>`select count(*)::int as n from worker_heartbeats`;
      if (row!.n >= count) return;
      await sleep(100);
    }
  };
  const stopWorkers = async () => {
    await Promise.all(workers.splice(0).map((child) => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM")))));
    await client`delete from worker_heartbeats`;
  };

  /** Interventions complete but for the contract signature: not eligible yet. */
  const createWaiting = async (prefix: string, count: number, photos = 2) => {
    const references = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    const input = eligibleInput({ contract_signed_at: null, ...(photos === 2 ? {} : { photos: photosInput(photos) }) });
    for (let i = 0; i < references.length; i += 16) {
      await Promise.all(references.slice(i, i + 16).map((reference) => putIntervention(db, reference, input, systemPrincipal)));
    }
    return references;
  };
  /** The contract signature arrives for all of them in one transaction: they become eligible at once. */
  const makeEligible = async (references: string[]) => {
    await db.transaction(async (tx) => {
      const rows = await tx.select({ id: interventions.id, beneficiaryId: interventions.beneficiaryId }).from(interventions).where(inArray(interventions.reference, references));
      await tx.update(beneficiaries).set({ contractSignedAt: new Date() }).where(inArray(beneficiaries.id, rows.map((r) => r.beneficiaryId)));
      for (const row of rows) await onInterventionChanged(tx, queue, row.id, systemPrincipal);
    });
    return Date.now();
  };
  const publishedTimes = async (references: string[]) =>
    (
      await client<{ at: Date }[]>`select p.published_at as at from publications p join interventions i on i.id = p.intervention_id
        where i.reference = any(${references}) and p.status = 'published'`
    ).map((row) => new Date(row.at).getTime());
  const waitPublished = async (references: string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    // The ids once, then a primary-key count every 50 ms: joining thousands of references at each
    // poll cost PostgreSQL ~9 ms a time, CPU taken from the pipeline being measured.
    const ids = (await client<{ id: string }[]>`select id from interventions where reference = any(${references})`).map((row) => row.id);
    for (;;) {
      const [row] = await client<{ n: number }[]>`select count(*)::int as n from publications where intervention_id = any(${ids}::uuid[]) and status = 'published'`;
      if (row!.n === references.length) return;
      if (Date.now() > deadline) throw new Error(`only ${row!.n} of ${references.length} published within ${timeoutMs} ms`);
      await sleep(50);
    }
  };

  const [pg] = await client<{ version: string }[]>`select version()`;
  const limiter = pipelineSettings(config()).rateLimit;
  const bossVersion = JSON.parse(readFileSync(path.join(root, "node_modules/pg-boss/package.json"), "utf8")).version as string;
  console.log("Conditions");
  console.log(`  machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB; PostgreSQL, sandbox and workers on the same machine`);
  console.log(`  Node ${process.version}; ${pg!.version.split(",")[0]}; pg-boss ${bossVersion}`);
  console.log(`  worker: bundled (cli/build-worker.ts), node ${workerCommand.slice(0, -1).join(" ")}; batchSize ${worker.WORKER_BATCH_SIZE}, localConcurrency ${worker.WORKER_CONCURRENCY}, LISTEN/NOTIFY + burstWhenBatchFull, poll (idle and deferred jobs) ${worker.WORKER_POLL_SECONDS} s; our limiter ${limiter.perSecond}/s, burst ${limiter.burst}, max wait ${limiter.maxWaitMs / 1000} s (defaults)`);
  console.log(`  ${fmt(COUNT)} interventions per run, 2 photos each (1 Symphonics call per publication), made eligible in one transaction`);

  const results: string[] = [];
  /** publications/s at 0 ms, by worker processes. */
  const throughput0 = new Map<number, number>();
  const liftedRuns: [latencyMs: number, workers: number][] = [[0, 1], [0, 2], [100, 1]];
  for (const [latencyMs, workerCount] of runs("lifted") ? liftedRuns : []) {
    sandbox.reset();
    sandbox.setFaults({ latencyMs });
    const references = await createWaiting(`INT-BENCH-L${latencyMs}-W${workerCount}`, COUNT);
    const warmUp = await createWaiting(`INT-WARM-L${latencyMs}-W${workerCount}`, WARM_UP);
    await startWorkers(workerCount, { SYMPHONICS_RATE_LIMIT_PER_SECOND: "1000000", SYMPHONICS_RATE_LIMIT_BURST: "1000000" });
    // A fresh worker's first batch: it connects, takes its access token and compiles its code.
    const warmUpAt = await makeEligible(warmUp);
    await waitPublished(warmUp, 600_000);
    const warmUpTimes = (await publishedTimes(warmUp)).sort((a, b) => a - b);

    const eligibleAt = await makeEligible(references);
    const cpuBefore = { workers: workers.map((child) => cpuSeconds(child.pid)), postgres: postgresCpuSeconds(), bench: cpuSeconds(process.pid), machine: machineBusySeconds(), at: Date.now() };
    await waitPublished(references, 600_000);
    const times = (await publishedTimes(references)).sort((a, b) => a - b);
    const seconds = (times.at(-1)! - eligibleAt) / 1000;
    const latencies = times.map((t) => t - eligibleAt);
    const rate = COUNT / seconds;
    // From just after the eligibility commit to the last poll: a little wider than the drain itself.
    const cpuWindow = (Date.now() - cpuBefore.at) / 1000;
    const workersCpu = workers.map((child, i) => cpuSeconds(child.pid) - cpuBefore.workers[i]!);
    const postgresCpu = postgresCpuSeconds() - cpuBefore.postgres;
    const cpuShare = (cpu: number) => `${fmt((cpu / cpuWindow) * 100)} %`;
    const cpu =
      `CPU over the drain (${fmt(cpuWindow, 2)} s, ${os.cpus().length} cores): worker${workerCount > 1 ? "s" : ""} ${workersCpu.map(cpuShare).join(" + ")} of a core, ` +
      `PostgreSQL ${postgresCpu > 0 ? cpuShare(postgresCpu) : "n/a (not on this machine)"}, this process (sandbox) ${cpuShare(cpuSeconds(process.pid) - cpuBefore.bench)}; ` +
      `machine ${fmt(((machineBusySeconds() - cpuBefore.machine) / (cpuWindow * os.cpus().length)) * 100)} % busy; ` +
      `per publication: workers ${fmt((workersCpu.reduce((a, b) => a + b, 0) / COUNT) * 1000, 2)} ms, PostgreSQL ${fmt((postgresCpu / COUNT) * 1000, 2)} ms`;
    const backlogRss = Math.max(...workers.map((child) => peakRssMb(child.pid)));
    if (latencyMs === 0) throughput0.set(workerCount, rate);

    // Idle: one intervention at a time, nothing else queued.
    const idleReferences = await createWaiting(`INT-IDLE-L${latencyMs}-W${workerCount}`, IDLE_SAMPLES);
    const idle: number[] = [];
    for (const reference of idleReferences) {
      const at = await makeEligible([reference]);
      await waitPublished([reference], 30_000);
      idle.push((await publishedTimes([reference]))[0]! - at);
    }
    idle.sort((a, b) => a - b);
    await stopWorkers();
    results.push(
      `  sandbox +${latencyMs} ms, limit lifted, ${workerCount} worker${workerCount > 1 ? "s" : ""}: ${fmt(rate)} publications/s (${fmt(COUNT)} in ${fmt(seconds, 1)} s); ` +
        `backlog eligibility→published p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms, first ${fmt(latencies[0]!)} ms; ` +
        `fresh worker${workerCount > 1 ? "s" : ""}' warm-up (${WARM_UP}, not counted): first published after ${fmt(warmUpTimes[0]! - warmUpAt)} ms, all in ${fmt(warmUpTimes.at(-1)! - warmUpAt)} ms; ` +
        `idle p50 ${fmt(percentile(idle, 50))} ms, p99 ${fmt(percentile(idle, 99))} ms (${IDLE_SAMPLES} samples); worker peak RSS over the backlog ${fmt(backlogRss)} MB\n    ${cpu}`,
    );
    console.log(results.at(-1));
  }

  /** The lifted runs' throughput at 0 ms as a share of a ceiling, per number of workers. */
  const shareOf = (ceiling: number) =>
    [...throughput0].map(([count, rate]) => `${fmt((rate / ceiling) * 100, 1)} % (${count} worker${count > 1 ? "s" : ""})`).join(", ") || "(no lifted run)";

  if (runs("bare")) {
    // The bare queue: as many no-op jobs, sent one by one, worked in batches of 50.
    const boss = new PgBoss({ connectionString: url, useListenNotify: true, schedule: false, max: 10 });
    boss.on("error", () => {});
    await boss.start();
    await boss.createQueue("bench-noop", { notify: true });
    let done = 0;
    await boss.work("bench-noop", { batchSize: 50, localConcurrency: 4, burstWhenBatchFull: true, pollingIntervalSeconds: 2 }, async (jobs) => {
      done += jobs.length;
    });
    const bareStart = Date.now();
    for (let i = 0; i < COUNT; i += 10) await Promise.all(Array.from({ length: Math.min(10, COUNT - i) }, () => boss.send("bench-noop", {})));
    const sentAt = Date.now();
    while (done < COUNT) await sleep(5);
    const bareSeconds = (Date.now() - bareStart) / 1000;
    await boss.stop({ graceful: false });
    const bareRate = COUNT / bareSeconds;
    // The queue's own ceiling at working: the jobs are there already, worked in batches of 50.
    await boss.start();
    await boss.insert("bench-noop", Array.from({ length: COUNT }, () => ({ data: {} })));
    let batchDone = 0;
    const batchStart = Date.now();
    await boss.work("bench-noop", { batchSize: 50, localConcurrency: 4, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      batchDone += jobs.length;
    });
    while (batchDone < COUNT) await sleep(5);
    const batchRate = COUNT / ((Date.now() - batchStart) / 1000);
    await boss.stop({ graceful: false });
    results.push(
      `  bare pg-boss: ${fmt(bareRate)} no-op jobs/s sent one by one and worked (${fmt(COUNT / ((sentAt - bareStart) / 1000))} sends/s); ` +
        `${fmt(batchRate)} jobs/s inserted at once and worked in batches of 50; ` +
        `publications at 0 ms = ${shareOf(bareRate)} of the one-by-one loop, ${shareOf(batchRate)} of the batch loop`,
    );
    console.log(results.at(-1));
  }

  if (runs("tpcb")) {
    const tps = await pgbenchTpcB();
    results.push(`  pgbench TPC-B, scale 10, 8 clients, 10 s: ${fmt(tps)} tps; publications at 0 ms = ${shareOf(tps)} of it`);
    console.log(results.at(-1));
  }

  if (runs("limited")) {
    // Symphonics' real limit, two workers.
    sandbox.reset();
    sandbox.setFaults({ latencyMs: 0 });
    sandbox.setRateLimit({ perSecond: 20, burst: 40 });
    const limited = await createWaiting("INT-BENCH-LIMITED", COUNT);
    await startWorkers(2, {});
    const requestsBefore = sandbox.ledger().requests.length;
    const start = await makeEligible(limited);
    await waitPublished(limited, 1_800_000);
    const seconds = (Date.now() - start) / 1000;
    const limitedRss = workers.map((child) => peakRssMb(child.pid));
    await stopWorkers();
    const v1 = sandbox.ledger().requests.slice(requestsBefore).filter((r) => r.path.includes("/v1/"));
    const throttled = v1.filter((r) => r.status === 429).length;
    results.push(
      `  20/s limit, 2 workers: ${fmt(v1.length / seconds, 1)} requests/s = ${fmt((v1.length / seconds / 20) * 100, 1)} % of the limit ` +
        `(${fmt(COUNT)} publications in ${fmt(seconds, 1)} s); 429 answers: ${throttled} of ${v1.length} (${fmt((throttled / v1.length) * 100, 2)} %); ` +
        `workers' peak RSS ${limitedRss.map((mb) => `${fmt(mb)} MB`).join(", ")}`,
    );
    console.log(results.at(-1));
  }

  if (runs("dossier")) {
    // One large dossier, a fresh worker: its memory is the dossier's, not a backlog's.
    const [large] = await createWaiting("INT-BENCH-PHOTOS", 1, LARGE_DOSSIER_PHOTOS);
    await startWorkers(1, {});
    const largeStart = await makeEligible([large!]);
    await waitPublished([large!], 600_000);
    const largeSeconds = (Date.now() - largeStart) / 1000;
    const largeRss = peakRssMb(workers[0]?.pid);
    await stopWorkers();
    results.push(`  one dossier of ${fmt(LARGE_DOSSIER_PHOTOS)} photos, 20/s limit, 1 fresh worker: published in ${fmt(largeSeconds, 1)} s; worker peak RSS ${fmt(largeRss)} MB`);
    console.log(results.at(-1));
  }

  console.log("\nResults");
  for (const line of results) console.log(line);
  await stopPublicationQueues();
  await sandbox.close();
  await close();
}

/** The server's write ceiling: pgbench's TPC-B (scale 10, 8 clients, 10 s) on a scratch database, dropped afterwards. */
async function pgbenchTpcB(): Promise<number> {
  const scratchName = `${databaseName}_pgbench`;
  const scratch = withDatabase(server, scratchName);
  await admin.unsafe(`create database "${scratchName}"`);
  try {
    execFileSync("pgbench", ["-i", "-q", "-s", "10", scratch], { stdio: "ignore" });
    const output = execFileSync("pgbench", ["-c", "8", "-j", "2", "-T", "10", scratch], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const tps = /tps = ([\d.]+)/.exec(output)?.[1];
    if (!tps) throw new Error(`pgbench printed no tps:\n${output}`);
    return Number(tps);
  } finally {
    await admin.unsafe(`drop database if exists "${scratchName}" with (force)`);
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of spawned) child.kill("SIGKILL");
    await admin.unsafe(`drop database if exists "${databaseName}" with (force)`).catch(() => {});
    await admin.end();
    process.exit();
  });


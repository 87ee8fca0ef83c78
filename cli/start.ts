/**
 * The quickstart: `npm start` runs the whole product on this machine — PostgreSQL (embedded
 * under .data/ unless DATABASE_URL is set), migrations, demo data, the Symphonics sandbox, the
 * publication worker and the web app — and stops all of it on Ctrl-C.
 *
 *   npm start                    development web server (next dev)
 *   npm start -- --production    builds once, then `next start` (what the end-to-end tests use)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { connect } from "@/db/client";
import { prepareDatabase } from "@/db/prepare";
import { eq, like } from "drizzle-orm";
import { interventions, publications } from "@/db/schema";
import { DEMO_DOSSIER_PREFIX, DEMO_PASSWORD, demoUsers, seedDemoData } from "@/db/seed";
import { stopPublicationQueues } from "@/lib/publication/queue";
import { parseConfig } from "@/lib/config";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres";
import { buildWorkerCommand } from "./build-worker";

const root = path.resolve(import.meta.dirname, "..");
const { values: flags } = parseArgs({ options: { production: { type: "boolean", default: false }, "no-seed": { type: "boolean", default: false } } });

const port = Number(process.env.PORT ?? 3000);
const sandboxPort = Number(process.env.SANDBOX_PORT ?? 4010);
const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(root, ".data"));
const children: ChildProcess[] = [];
let embedded: EmbeddedDatabase | undefined;
let stopping = false;

function log(message: string) {
  console.log(`[start] ${message}`);
}

/** Runs a part of the product as its own process, its output prefixed with its name. */
function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => `[${name}] ${line}`)
      .join("\n");
  child.stdout?.on("data", (chunk: Buffer) => console.log(prefix(chunk)));
  child.stderr?.on("data", (chunk: Buffer) => console.error(prefix(chunk)));
  child.on("exit", (code, signal) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? code}); stopping everything`);
    void stop(1);
  });
  children.push(child);
  return child;
}

async function stop(exitCode: number) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill("SIGTERM");
        }),
    ),
  );
  await embedded?.stop().catch(() => {});
  log("stopped");
  process.exit(exitCode);
}

/**
 * Secrets of this local installation, made at the first start and kept in .data/, so that even
 * the quickstart runs with real secrets (production mode refuses development defaults) and
 * the app and the sandbox agree on them.
 */
async function localSecrets(file: string) {
  const schema = z.object({ fileUrlSecret: z.string(), sessionSecret: z.string(), metricsToken: z.string(), clientSecret: z.string(), webhookSecret: z.string() });
  const existing = await readFile(file, "utf8").then((text) => schema.safeParse(JSON.parse(text)), () => null);
  if (existing?.success) return existing.data;
  const random = () => randomBytes(32).toString("base64url");
  const secrets = { fileUrlSecret: random(), sessionSecret: random(), metricsToken: random(), clientSecret: random(), webhookSecret: `whsec_${randomBytes(32).toString("base64")}` };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    const ok = await fetch(url, { redirect: "manual" }).then(
      (response) => response.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/**
 * The sandbox keeps nothing across restarts: the dossiers the demo staged (one Symphonics is still
 * processing, the rejected ones) are registered in it as they stand, or the workers' status
 * lookups would find them gone and flag them as lost.
 */
async function restoreDemoDossiers(databaseUrl: string, clientId: string): Promise<void> {
  const connection = connect(databaseUrl, { max: 1 });
  try {
    const staged = await connection.db
      .select({ id: publications.dossierId, externalReference: interventions.reference, status: publications.dossierStatus, rejectionReason: publications.rejectionReason })
      .from(publications)
      .innerJoin(interventions, eq(interventions.id, publications.interventionId))
      .where(like(publications.dossierId, `${DEMO_DOSSIER_PREFIX}%`));
    if (staged.length === 0) return;
    const response = await fetch(`http://127.0.0.1:${sandboxPort}/_sandbox/dossiers`, { method: "POST", body: JSON.stringify({ dossiers: staged.map((dossier) => ({ clientId, ...dossier })) }) });
    if (!response.ok) throw new Error(`the sandbox refused the demo's dossiers (${response.status})`);
  } finally {
    await connection.close();
  }
}

async function main() {
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    log(`no DATABASE_URL: starting the embedded PostgreSQL in ${path.join(dataDir, "postgres")}`);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), port: Number(process.env.EMBEDDED_POSTGRES_PORT ?? 5433), log });
    databaseUrl = embedded.url;
  }
  const storageDir = process.env.FILE_STORAGE_DIR ?? path.join(dataDir, "files");
  const secrets = await localSecrets(path.join(dataDir, "local-secrets.json"));
  const webhookSecret = process.env.SYMPHONICS_WEBHOOK_SECRET ?? secrets.webhookSecret;
  const clientSecret = process.env.SYMPHONICS_CLIENT_SECRET ?? secrets.clientSecret;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    FILE_STORAGE_DIR: storageDir,
    PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
    // Symphonics only accepts https links; locally the sandbox fetches them over plain http.
    FILES_PUBLIC_BASE_URL: process.env.FILES_PUBLIC_BASE_URL ?? `https://localhost:${port}`,
    FILE_URL_SECRET: process.env.FILE_URL_SECRET ?? secrets.fileUrlSecret,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? secrets.sessionSecret,
    METRICS_TOKEN: process.env.METRICS_TOKEN ?? secrets.metricsToken,
    SYMPHONICS_BASE_URL: process.env.SYMPHONICS_BASE_URL ?? `http://127.0.0.1:${sandboxPort}/crm`,
    SYMPHONICS_CLIENT_SECRET: clientSecret,
    SYMPHONICS_WEBHOOK_SECRET: webhookSecret,
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_CLIENT_SECRET: process.env.SANDBOX_CLIENT_SECRET ?? clientSecret,
    SANDBOX_WEBHOOK_URL: process.env.SANDBOX_WEBHOOK_URL ?? `http://127.0.0.1:${port}/api/webhooks/symphonics`,
    SANDBOX_WEBHOOK_SECRET: process.env.SANDBOX_WEBHOOK_SECRET ?? webhookSecret.split(/\s+/)[0],
    SANDBOX_FETCH_HTTPS_AS_HTTP: process.env.SANDBOX_FETCH_HTTPS_AS_HTTP ?? "true",
  };
  parseConfig(env);
  // The seed runs the real intake path in this process, which reads the same configuration.
  Object.assign(process.env, env);

  log("applying migrations");
  await prepareDatabase(databaseUrl);
  await mkdir(storageDir, { recursive: true });
  if (!flags["no-seed"]) {
    const connection = connect(databaseUrl, { max: 4 });
    const seeded = await seedDemoData(connection.db, storageDir);
    // The seed queued publications through this process's queue client: nothing else here sends.
    await stopPublicationQueues();
    await connection.close();
    if (seeded) {
      log(`seeded ${seeded.interventions} demo interventions`);
      log(`demo workforce API token (shown once): ${seeded.workforceToken}`);
    } else log("database already holds data: not seeding");
  }

  const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
  // The web app first: it receives the sandbox's webhooks as soon as the worker publishes.
  if (flags.production) {
    log("building the web app (next build)…");
    const build = spawn(bin("next"), ["build"], { cwd: root, env: { ...env, NODE_ENV: "production" }, stdio: "inherit" });
    const code = await new Promise<number | null>((resolve) => build.on("exit", resolve));
    if (code !== 0) throw new Error(`next build failed (${code})`);
    run("web", bin("next"), ["start", "-p", String(port)], { ...env, NODE_ENV: "production" });
  } else {
    run("web", bin("next"), ["dev", "-p", String(port)], env);
  }
  await waitForHttp(`http://127.0.0.1:${port}/login`, 180_000);
  // The files route ready before the worker sends the first dossier: the development server
  // compiles a route at its first request, and Symphonics gives up on a download after 10 s.
  await waitForHttp(`http://127.0.0.1:${port}/files/warm-up.pdf`, 180_000);
  // Likewise the webhook route (a GET is refused, 405, once compiled): Symphonics stops retrying a
  // webhook after a few seconds, and a lost one leaves a dossier "received" until reconciliation.
  await waitForHttp(`http://127.0.0.1:${port}/api/webhooks/symphonics`, 180_000);
  // node with tsx's loader rather than the tsx command, which SIGKILLs a child that does not
  // acknowledge a signal within 60 ms (as under load), cutting the worker's orderly stop short.
  run("sandbox", process.execPath, ["--import", "tsx", "sandbox/main.ts"], env);
  await waitForHttp(`http://127.0.0.1:${sandboxPort}/_sandbox/health`, 60_000);
  await restoreDemoDossiers(databaseUrl, parseConfig(env).SYMPHONICS_CLIENT_ID);
  // The worker runs bundled, with bare node (cli/build-worker.ts: a third of the memory).
  run("worker", process.execPath, await buildWorkerCommand(), env);

  log("");
  log(`Symphonics publications is running at http://localhost:${port}`);
  log(`Symphonics sandbox at http://127.0.0.1:${sandboxPort}/crm (ledger: http://127.0.0.1:${sandboxPort}/_sandbox/ledger)`);
  log(`API reference at http://localhost:${port}/api-reference; health at /api/health/ready; metrics at /api/metrics (bearer METRICS_TOKEN, see .data/local-secrets.json) and the worker's http://127.0.0.1:${env.WORKER_METRICS_PORT ?? 9464}/metrics`);
  log(`Demo logins (password ${DEMO_PASSWORD}):`);
  for (const user of demoUsers) log(`  ${user.role.padEnd(8)} ${user.email}`);
  log("Press Ctrl-C to stop.");
}

main().catch(async (error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
});

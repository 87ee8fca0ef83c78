/**
 * The end-to-end run's web server (playwright.config.ts `webServer`): a fresh database, the product
 * on it as `npm start -- --production` runs it, and the database dropped only once every part of
 * the product has stopped. (Playwright runs a global teardown before it stops its web server: a
 * teardown dropping the database there cut the worker's connections while it still ran.)
 *
 * One JSON line per request would bury the test report: the product's output is kept whole in
 * test-results/e2e-web-server.log, and only what is not a routine structured line — the
 * quickstart's own lines, the build's, warnings and errors — is passed on to Playwright.
 */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import postgres from "postgres";

const root = path.resolve(import.meta.dirname, "..");
const logFile = path.join(root, "test-results", "e2e-web-server.log");

const database = new URL(process.env.DATABASE_URL!);
const name = database.pathname.slice(1);
if (!/^sp_e2e_[0-9a-f]+$/.test(name)) throw new Error(`refusing to manage ${name}: not an end-to-end database name`);
const server = new URL(database);
server.pathname = "/postgres";

async function onServer(statement: string): Promise<void> {
  const sql = postgres(server.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end();
  }
}

/** A structured log line below warn, such as a request line: for the file only. */
function isRoutine(line: string): boolean {
  const json = line.replace(/^(\[[\w-]+\] )+/, "");
  if (!json.startsWith("{")) return false;
  try {
    const { level } = JSON.parse(json) as { level?: unknown };
    // The product's logger writes level labels, the sandbox's pino numbers (warn is 40).
    return ["trace", "debug", "info"].includes(String(level)) || (typeof level === "number" && level < 40);
  } catch {
    return false;
  }
}

await onServer(`drop database if exists "${name}" with (force)`);
await onServer(`create database "${name}"`);
await mkdir(path.dirname(logFile), { recursive: true });
const log = createWriteStream(logFile);
console.log(`[e2e] the product's whole output: ${path.relative(root, logFile)}`);

// Not through the tsx command, which SIGKILLs a child slow to acknowledge a signal (see cli/start.ts).
const product = spawn(process.execPath, ["--import", "tsx", "cli/start.ts", "--production"], { cwd: root, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
function relay(from: Readable, to: Writable, keep: (line: string) => boolean) {
  createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => {
    log.write(`${line}\n`);
    if (keep(line)) to.write(`${line}\n`);
  });
}
relay(product.stdout, process.stdout, (line) => !isRoutine(line));
relay(product.stderr, process.stderr, () => true);

// Playwright signals the whole process group; the quickstart stops its parts itself.
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => product.kill(signal));

product.on("close", (code) => {
  void onServer(`drop database if exists "${name}" with (force)`)
    .then(() => console.log(`[e2e] the product has stopped; ${name} dropped`))
    .catch((error: unknown) => console.error(`[e2e] could not drop ${name}: ${error instanceof Error ? error.message : String(error)}`))
    .finally(() => log.end(() => process.exit(code ?? 0)));
});

/**
 * Bundles the publication worker (jobs/worker.ts and everything it imports) into one plain
 * JavaScript file, .data/build/worker.mjs, which `npm run worker`, the quickstart and the tests
 * run with bare node. Run under tsx, the worker compiled its TypeScript at every start and
 * resolved each of its ~700 modules at run time; Node's resolver deserialises a package's
 * package.json for every file it loads, and drizzle-orm's is 180 KB: about 100 MB of garbage at
 * start that V8 never hands back. Bundled, a worker starts in a fraction of the time and its
 * peak RSS is a third of what it was (README, Benchmarks).
 *
 * Local only (esbuild's binary comes with tsx), about a second; `node cli/build-worker.ts`.
 */
import { mkdir, rename } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
export const workerBundle = path.join(root, ".data", "build", "worker.mjs");
/**
 * Node's flags for the worker; package.json's worker script passes the same. A young generation of
 * 8 MB semi-spaces rather than V8's default: a backlog of short-lived dossiers then peaked at 173 MB
 * instead of 253 MB, at the same throughput (README, Benchmarks).
 */
export const workerNodeFlags = ["--max-semi-space-size=8"];

/** Builds the bundle; returns node's arguments to run it. */
export async function buildWorkerCommand(): Promise<string[]> {
  return [...workerNodeFlags, await buildWorker()];
}

/** Builds the bundle and returns its path. Concurrent builds (tests, a quickstart) each write their own file and rename it into place. */
export async function buildWorker(): Promise<string> {
  await mkdir(path.dirname(workerBundle), { recursive: true });
  const written = `${workerBundle}.${process.pid}.${Date.now()}.tmp`;
  await build({
    entryPoints: [path.join(root, "jobs", "worker.ts")],
    outfile: written,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    tsconfig: path.join(root, "tsconfig.json"),
    // Some bundled packages are CommonJS and call require(): give the ES module one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: "warning",
  });
  await rename(written, workerBundle);
  return workerBundle;
}

if (import.meta.main) await buildWorker();

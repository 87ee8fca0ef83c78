/**
 * `npm test`: the whole suite, as CI runs it — typecheck, lint, unit and integration tests
 * (vitest, against a real PostgreSQL), then the end-to-end tests (Playwright, real Chromium,
 * against the product started by the quickstart). Uses DATABASE_URL when set, else an
 * embedded PostgreSQL under .data/.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const reports = path.join(root, "test-results");

function step(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  console.log(`\n=== ${name}: ${path.basename(command)} ${args.join(" ")}`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: "inherit" });
    child.on("exit", (code) => {
      console.log(`=== ${name}: ${code === 0 ? "ok" : `FAILED (${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      resolve(code === 0);
    });
  });
}

/** Test counts from a vitest or Playwright JSON report. */
async function countsOf(file: string): Promise<{ passed: number; failed: number; skipped: number }> {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0 };
  const report = JSON.parse(await readFile(file, "utf8"));
  if ("numPassedTests" in report) return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
  const stats = report.stats ?? {};
  return { passed: stats.expected ?? 0, failed: (stats.unexpected ?? 0) + (stats.flaky ?? 0), skipped: stats.skipped ?? 0 };
}

let embedded: EmbeddedDatabase | undefined;
const started = Date.now();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void (embedded?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}
try {
  await rm(reports, { recursive: true, force: true });
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(root, ".data", "test-postgres"), port: Number(process.env.EMBEDDED_POSTGRES_PORT ?? 5434) });
    databaseUrl = embedded.url;
    console.log(`no DATABASE_URL: using the embedded PostgreSQL at ${databaseUrl.replace(/:[^:@/]*@/, ":***@")}`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: "test" };
  const results: [string, boolean][] = [];
  results.push(["typecheck", await step("typecheck", bin("tsc"), ["--noEmit", "-p", "."], env)]);
  results.push(["lint", await step("lint", bin("eslint"), [".", "--max-warnings=0"], env)]);
  results.push(["unit and integration", await step("unit and integration", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${reports}/vitest.json`], env)]);
  if (existsSync(path.join(root, "playwright.config.ts"))) {
    results.push(["end-to-end", await step("end-to-end", bin("playwright"), ["test"], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/playwright.json` })]);
  }
  const unit = await countsOf(path.join(reports, "vitest.json"));
  const e2e = await countsOf(path.join(reports, "playwright.json"));
  console.log("\n=== summary");
  for (const [name, ok] of results) console.log(`${ok ? "ok    " : "FAILED"} ${name}`);
  console.log(`vitest: ${unit.passed} passed, ${unit.failed} failed; playwright: ${e2e.passed} passed, ${e2e.failed} failed`);
  console.log(`whole suite in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const failedSteps = results.filter(([, ok]) => !ok).length;
  console.log(`Tests: ${unit.passed + e2e.passed} passed, ${unit.failed + e2e.failed + (failedSteps && !(unit.failed + e2e.failed) ? failedSteps : 0)} failed`);
  process.exitCode = failedSteps ? 1 : 0;
} finally {
  await embedded?.stop();
}

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests against the product as the quickstart runs it in production mode (`npm start
 * -- --production`: web app, worker, Symphonics sandbox) on a fresh database of the PostgreSQL
 * server DATABASE_URL points at, which e2e/web-server.ts creates and drops once the product has
 * stopped. The values are computed once, in the runner, and inherited by its worker processes
 * through the environment.
 */
function freePort(): string {
  const script = "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
}

if (!process.env.E2E_DATABASE_URL) {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error("DATABASE_URL must point at a PostgreSQL server: the end-to-end tests create a fresh database on it");
  const url = new URL(server);
  url.pathname = `/sp_e2e_${randomBytes(5).toString("hex")}`;
  process.env.E2E_DATABASE_URL = url.toString();
  process.env.E2E_PORT = freePort();
  process.env.E2E_SANDBOX_PORT = freePort();
  // Production mode refuses the development defaults; the run gets secrets of its own, shared
  // by the web app, the worker and the sandbox through the quickstart.
  process.env.E2E_SECRET = randomBytes(24).toString("base64url");
}
const secret = process.env.E2E_SECRET!;
const port = process.env.E2E_PORT!;
export const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "e2e",
  // Kept apart from test-results/vitest.json, which Playwright would otherwise wipe.
  outputDir: "test-results/playwright",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // The tests share one running product and the machine has two cores.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"], ["json"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    // The specs read the English pages; the demo users have chosen no language, so the browser's
    // decides (e2e/i18n.spec.ts walks the French pages with its own locale).
    locale: "en-US",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  webServer: {
    // Not `npx tsx`: the tsx command would SIGKILL the script, slow to acknowledge the stop signal.
    command: "node --import tsx e2e/web-server.ts",
    url: `${baseURL}/login`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL!,
      PORT: port,
      SANDBOX_PORT: process.env.E2E_SANDBOX_PORT!,
      DATA_DIR: `.data/e2e-${port}`,
      FILE_URL_SECRET: `files-${secret}`,
      NEXTAUTH_SECRET: `session-${secret}`,
      METRICS_TOKEN: `metrics-${secret}`,
      SYMPHONICS_CLIENT_SECRET: `client-${secret}`,
      SANDBOX_CLIENT_SECRET: `client-${secret}`,
      SYMPHONICS_WEBHOOK_SECRET: `whsec_${Buffer.from(`webhook-${secret}`).toString("base64")}`,
    },
  },
});

import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["{app,components,lib,db,jobs,sandbox,cli}/**/*.test.{ts,tsx}"],
    // Each test file gets its own database (see db/testing.ts), so files run in parallel safely.
    globalSetup: ["db/testing-global-setup.ts"],
    pool: "forks",
    // One JSON line per request would drown the test report; tests that read logs capture them.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

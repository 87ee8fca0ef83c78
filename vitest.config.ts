import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["{app,components,lib,db,jobs,sandbox,cli}/**/*.test.{ts,tsx}"],
    // Each test file gets its own database (see db/testing.ts), so files run in parallel safely.
    globalSetup: ["db/testing-global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

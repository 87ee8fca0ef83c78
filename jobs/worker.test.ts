import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildWorkerCommand } from "@/cli/build-worker";
import { useTestDatabase } from "@/db/testing";
import { fastPipelineEnv } from "@/lib/publication/test-support";

const { url } = await useTestDatabase();
const root = path.resolve(import.meta.dirname, "..");

describe("the worker process", () => {
  it("a SIGTERM that arrives while it is still starting stops it in order (exit 0), not by the default handler", { timeout: 60_000 }, async () => {
    // As `npm run worker` runs it: bundled, with bare node.
    const child = spawn(process.execPath, await buildWorkerCommand(), {
      cwd: root,
      env: { ...process.env, ...fastPipelineEnv({ LOG_LEVEL: "info", WORKER_METRICS_PORT: "0" }), DATABASE_URL: url, NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // Its first line says it is starting: the signal lands while it connects and installs the queue.
    await new Promise<void>((resolve) => child.stdout.on("data", () => output.includes("publication worker starting") && resolve()));
    expect(output).not.toContain("publication worker started");
    child.kill("SIGTERM");
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once("exit", (c, s) => resolve([c, s])));
    expect({ code, signal }, output).toEqual({ code: 0, signal: null });
  });
});

import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

describe("the embedded PostgreSQL module", () => {
  it("leaves a command's exit code alone (npm test must fail when a step fails)", () => {
    const script = `import "./cli/embedded-postgres.ts"; process.exitCode = 3;`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(3);
  });

  it("prints nothing when the process exits (its own exit hook printed a stack trace)", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `import "./cli/embedded-postgres.ts";`], { cwd: root, encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
  });
});

// Helpers for the publication pipeline's tests: real PostgreSQL, the sandbox over real HTTP.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { config } from "@/lib/config";
import type { InterventionInput } from "@/lib/interventions/intake-schema";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { fileStorage } from "@/lib/storage/files";
import type { PublicationDeps } from "./publish";
import { pipelineSettings } from "./settings";

export const SAMPLE_FILES = ["documents/contract.pdf", "documents/quote.pdf", "photos/outdoor-unit.jpg", "photos/indoor-unit.jpg"];

/** A file storage holding the sample intervention's files (and `extra` more), for the mapping's checks. */
export function sampleFileStorage(extra: string[] = []): string {
  const root = mkdtempSync(path.join(tmpdir(), "sp-files-"));
  for (const file of [...SAMPLE_FILES, ...extra]) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), "x");
  }
  return root;
}

/** Settings that make the pipeline fast enough for tests; each test may override. */
export function fastPipelineEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    // Symphonics requires https links; nothing needs to serve them in these tests.
    FILES_PUBLIC_BASE_URL: "https://files.test.invalid",
    PUBLISH_RETRY_BASE_SECONDS: "0.05",
    PUBLISH_RETRY_CAP_SECONDS: "0.5",
    PUBLISH_RETRY_BUDGET_SECONDS: "3600",
    CIRCUIT_FAILURE_THRESHOLD: "20",
    CIRCUIT_COOLDOWN_SECONDS: "0.5",
    WORKER_POLL_SECONDS: "0.5",
    WORKER_SUPERVISE_SECONDS: "1",
    WORKER_JOB_HEARTBEAT_SECONDS: "10",
    SYMPHONICS_RATE_LIMIT_PER_SECOND: "150",
    SYMPHONICS_RATE_LIMIT_BURST: "20",
    LOG_LEVEL: "warn",
    ...overrides,
  };
}

/** Polls until `check` holds (or throws with `describe()` after the deadline): no fixed sleeps. */
export async function waitFor(check: () => Promise<boolean>, { timeoutMs = 30_000, intervalMs = 100, describe = async () => "" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms ${await describe()}`);
    await sleep(intervalMs);
  }
}

export function photosInput(count: number): InterventionInput["photos"] {
  return Array.from({ length: count }, (_, i) => ({ file_path: `photos/p${i}.jpg` }));
}

export const eligibleInput = (overrides: Partial<InterventionInput> = {}) => sampleInterventionInput(overrides);
export const ineligibleInput = () => sampleInterventionInput({ contract_signed_at: null });

/** A publication run's dependencies for a test: the given database, client and queue, the stored files, no waiting. */
export function runDepsFor(parts: Pick<PublicationDeps, "db" | "client" | "schedule">): PublicationDeps {
  return {
    ...parts,
    settings: pipelineSettings(config()),
    signUrl: (path, anchor) => fileStorage.signedUrl(path, anchor),
    fileExists: (path) => fileStorage.exists(path),
    now: () => new Date(),
    random: () => 0.5,
    sleep: async () => {},
  };
}

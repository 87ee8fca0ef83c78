import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { createPublicationQueue } from "./queue";
import { waitFor } from "./test-support";

const { db, url } = await useTestDatabase();
const queue = createPublicationQueue(url);
afterAll(() => queue.stop());

const lastAnalyzed = async () => {
  const [row] = await db.execute<{ at: Date | null }>(sql`select last_analyze as at from pg_stat_user_tables where schemaname = 'pgboss' and relname = 'job_common'`);
  return row?.at ? new Date(row.at).getTime() : 0;
};

describe("the publication queue under a backlog", () => {
  it("refreshes the job table's statistics when a full batch shows a backlog, so fetches are not planned for an empty table", async () => {
    const batchSize = 5;
    const before = await lastAnalyzed();
    await db.transaction(async (tx) => {
      for (let i = 0; i < batchSize * 3; i++) {
        await queue.enqueue(tx, { interventionId: crypto.randomUUID(), trigger: "automatic", triggeredBy: "test" });
      }
    });
    const batches: number[] = [];
    await queue.work({ batchSize, concurrency: 1, pollSeconds: 0.5, superviseSeconds: 60, heartbeatSeconds: 10, onError: (error) => expect.fail(error.message) }, async (jobs) => {
      batches.push(jobs.length);
      return jobs.map((job) => ({ id: job.id, status: "completed" as const }));
    });

    await waitFor(async () => batches.reduce((sum, n) => sum + n, 0) === batchSize * 3, { timeoutMs: 15_000 });
    await waitFor(async () => (await lastAnalyzed()) > before, { timeoutMs: 10_000, describe: async () => `batches ${batches.join(", ")}` });
    expect(batches[0]).toBe(batchSize);
  });
});

import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { createPublicationQueue } from "@/lib/publication/queue";
import { readOperationalState } from "./operational-state";

const { db, url } = await useTestDatabase();
const queue = createPublicationQueue(url);
afterAll(() => queue.stop());

describe("the operational state", () => {
  it("counts the queue's jobs through the queue, and the workers whose heartbeat is recent enough", async () => {
    const due = randomUUID();
    const later = randomUUID();
    await db.transaction(async (tx) => {
      await queue.enqueue(tx, { interventionId: due, trigger: "automatic", triggeredBy: "test" });
      await queue.enqueue(tx, { interventionId: later, trigger: "retry", triggeredBy: "test" }, { startAfter: new Date(Date.now() + 3_600_000) });
    });
    await db.execute(sql`insert into worker_heartbeats (worker_id, hostname, pid, last_beat_at)
      values ('fresh', 'h', 1, now() - interval '5 seconds'), ('stale', 'h', 2, now() - interval '120 seconds')`);

    const state = await readOperationalState(db, { queue, heartbeatMaxAgeSeconds: 60 });
    expect(state).toMatchObject({ jobsWaiting: 1, jobsScheduled: 1, jobsActive: 0, workersAlive: 1 });
    expect(state.oldestWaitingJobAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(state.youngestHeartbeatAgeSeconds).toBeGreaterThanOrEqual(5);
    expect((await readOperationalState(db, { queue, heartbeatMaxAgeSeconds: 300 })).workersAlive).toBe(2);

    const [live] = await db.execute<{ due: boolean; later: boolean; none: boolean }>(sql`
      select ${queue.hasLiveJob(sql`${due}::uuid`)} as due, ${queue.hasLiveJob(sql`${later}::uuid`)} as later, ${queue.hasLiveJob(sql`${randomUUID()}::uuid`)} as none`);
    expect(live).toEqual({ due: true, later: true, none: false });
  });
});

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

  it("counts publications by status exactly, through inserts, status changes, upserts, concurrent batches, deletions and folds of the ledger", async () => {
    const counted = async () => (await readOperationalState(db, { queue })).publicationsByStatus;
    const actual = async () => {
      const rows = await db.execute<{ status: string; n: number }>(sql`select status, count(*)::int as n from publications group by status`);
      return Object.fromEntries(rows.map((row) => [row.status, row.n]));
    };
    const expectExact = async () => {
      const byStatus = await counted();
      expect(Object.fromEntries(Object.entries(byStatus).filter(([, n]) => n !== 0))).toEqual(await actual());
    };
    const [{ before }] = (await db.execute<{ before: number }>(sql`select count(*)::int as before from publications`)) as unknown as [{ before: number }];

    await db.execute(sql`insert into beneficiaries (id) select md5('count-b' || g)::uuid from generate_series(1, 300) g`);
    await db.execute(sql`
      insert into interventions (id, reference, beneficiary_id, status)
      select md5('count-i' || g)::uuid, 'COUNT-' || g, md5('count-b' || g)::uuid, 'installation_done' from generate_series(1, 300) g`);
    await db.execute(sql`
      insert into publications (intervention_id, status)
      select md5('count-i' || g)::uuid, (case when g % 3 = 0 then 'queued' else 'not_ready' end)::publication_status from generate_series(1, 200) g`);
    await expectExact();
    expect(Object.values(await counted()).reduce((a, b) => a + b, 0)).toBe(before + 200);

    // Batches of status changes in concurrent transactions, some rolled back.
    await Promise.all(
      Array.from({ length: 8 }, (_, worker) =>
        db
          .transaction(async (tx) => {
            await tx.execute(sql`update publications set status = 'in_progress' where status = 'queued' and intervention_id in (select md5('count-i' || g)::uuid from generate_series(1, 200) g where g % 8 = ${worker})`);
            await tx.execute(sql`update publications set status = (case when random() < 0.5 then 'published' else 'failed' end)::publication_status where status = 'in_progress' and intervention_id in (select md5('count-i' || g)::uuid from generate_series(1, 200) g where g % 8 = ${worker})`);
            await tx.execute(sql`update publications set attempt_count = attempt_count + 1 where intervention_id in (select md5('count-i' || g)::uuid from generate_series(1, 200) g where g % 8 = ${worker})`);
            if (worker % 3 === 0) throw new Error("rolled back");
          })
          .catch(() => undefined),
      ),
    );
    await expectExact();

    // An upsert both inserts and updates; one row changes status twice in one transaction.
    await db.execute(sql`
      insert into publications (intervention_id, status)
      select md5('count-i' || g)::uuid, 'queued' from generate_series(190, 260) g
      on conflict (intervention_id) do update set status = 'retrying'`);
    await db.transaction(async (tx) => {
      await tx.execute(sql`update publications set status = 'needs_review' where intervention_id = md5('count-i1')::uuid`);
      await tx.execute(sql`update publications set status = 'queued' where intervention_id = md5('count-i1')::uuid`);
    });
    await expectExact();

    // Interventions deleted take their publications with them.
    await db.execute(sql`delete from interventions where reference in (select 'COUNT-' || g from generate_series(1, 300, 7) g)`);
    await expectExact();

    // Folding the ledger changes no sum; neither does a recount.
    await db.execute(sql`select compact_publication_status_counts()`);
    const [{ rows }] = (await db.execute<{ rows: number }>(sql`select count(*)::int as rows from publication_status_counts`)) as unknown as [{ rows: number }];
    expect(rows).toBeLessThanOrEqual(Object.keys(await actual()).length);
    await expectExact();
    await db.execute(sql`select recount_publication_status_counts()`);
    await expectExact();
  });
});

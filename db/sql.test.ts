import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "./client";
import { publications } from "./schema";
import { executePrepared, isAnyOf } from "./sql";
import { useTestDatabase } from "./testing";

const { db, url } = await useTestDatabase();
// One connection, so that what it has prepared is what this test file ran.
const single = connect(url, { max: 1 });
afterAll(() => single.close());

const preparedOnConnection = async () =>
  (await single.db.execute<{ statement: string }>(sql`select statement from pg_prepared_statements`)).map((row) => row.statement.replace(/\s+/g, " ").trim());

describe("executePrepared", () => {
  it("returns the rows execute returns, and prepares the statement once per connection, however many ids it takes", async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const statement = (some: string[]) =>
      sql`select x::text as id, timestamptz '2026-12-01 10:00:00.123456+00' as at, ${"text"} as label from unnest(${sql.param(ids)}::uuid[]) as x where ${isAnyOf(sql`x`, some)} order by x`;

    for (const some of [ids.slice(0, 1), ids.slice(0, 2), ids]) {
      const prepared = await executePrepared<{ id: string; at: string; label: string }>(single.db, statement(some));
      expect([...prepared]).toEqual([...(await single.db.execute(statement(some)))]);
      expect(prepared.map((row) => row.id)).toEqual(some);
    }
    const mine = (await preparedOnConnection()).filter((text) => text.includes("from unnest("));
    expect(mine).toHaveLength(1);
  });

  it("runs in the caller's transaction: a rollback undoes it", async () => {
    await expect(
      db.transaction(async (tx) => {
        await executePrepared(tx, sql`create table prepared_probe (id int)`);
        await executePrepared(tx, sql`insert into prepared_probe values (${1}::int)`);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const [row] = await db.execute<{ exists: boolean }>(sql`select to_regclass('prepared_probe') is not null as exists`);
    expect(row!.exists).toBe(false);
  });

  it("reports a failing statement as execute does, naming PostgreSQL's error", async () => {
    await expect(executePrepared(db, sql`select * from ${publications} where ${isAnyOf(publications.interventionId, ["not-a-uuid"])}`)).rejects.toMatchObject({
      code: "22P02",
    });
  });
});

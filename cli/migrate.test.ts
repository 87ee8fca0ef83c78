import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import journal from "@/db/migrations/meta/_journal.json";
import { adminUrl, withDatabase } from "@/db/testing-urls";
import { createPublicationQueue } from "@/lib/publication/queue";

/** `npm run db:migrate` against a database created empty here (not the migrated test template). */
const server = adminUrl();
const name = `sp_migrate_${randomBytes(6).toString("hex")}`;
const admin = postgres(server, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const url = withDatabase(server, name);
const database = postgres(url, { max: 1, onnotice: () => {} });
afterAll(async () => {
  await database.end();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

// The URL carries a password (a server trusting local connections ignores it), to check it is never logged.
const parsed = new URL(url);
parsed.password ||= "not-logged-secret";
const password = parsed.password;

/** Through npm, as a deployment runs it. */
async function migrate() {
  return promisify(execFile)("npm", ["run", "--silent", "db:migrate"], { env: { ...process.env, DATABASE_URL: parsed.toString() } });
}

describe("npm run db:migrate", () => {
  it("prepares a fresh database (tables and the queue's schema), then finds nothing to do, logging no credentials", { timeout: 120_000 }, async () => {
    const first = await migrate();
    expect(first.stdout).toContain(`[migrate] preparing database ${name} on `);
    expect(first.stdout).toContain(`[migrate] applied ${journal.entries.length} migration(s): ${journal.entries.map((entry) => entry.tag).join(", ")} (0 were applied already)`);
    expect(first.stdout).toContain("[migrate] job queue schema created");

    const [tables] = await database<{ interventions: boolean; jobs: boolean; migrations: number }[]>`
      select to_regclass('public.interventions') is not null as interventions,
             to_regclass('pgboss.job') is not null as jobs,
             (select count(*)::int from drizzle.__drizzle_migrations) as migrations`;
    expect(tables).toEqual({ interventions: true, jobs: true, migrations: journal.entries.length });
    const [queue] = await database<{ n: number }[]>`select count(*)::int as n from pgboss.queue where name = ${createPublicationQueue(url).name}`;
    expect(queue!.n).toBe(1);

    const second = await migrate();
    expect(second.stdout).toContain(`[migrate] no migration to apply (${journal.entries.length} applied already)`);
    expect(second.stdout).toContain("[migrate] job queue schema present (updated if needed)");
    const [again] = await database<{ migrations: number }[]>`select count(*)::int as migrations from drizzle.__drizzle_migrations`;
    expect(again!.migrations).toBe(journal.entries.length);

    for (const output of [first.stdout, first.stderr, second.stdout, second.stderr]) {
      expect(output).not.toContain("postgres://");
      expect(output).not.toContain(password);
    }
  });
});

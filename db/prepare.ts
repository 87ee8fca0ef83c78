import { createPublicationQueue } from "@/lib/publication/queue";
import { connect } from "./client";
import journal from "./migrations/meta/_journal.json";
import { migrateDatabase } from "./migrate";

/** What preparing a database did, for the deployment log: names and counts, never the URL. */
export interface PreparationReport {
  /** Migrations this run applied, by tag, in order. */
  applied: string[];
  /** Migrations found applied already. */
  alreadyApplied: number;
  /** Whether pg-boss's schema had to be created (false: brought up to date if needed). */
  queueSchemaCreated: boolean;
}

/** Everything a database needs before the product can use it: our tables, then pg-boss's. */
export async function prepareDatabase(url: string): Promise<PreparationReport> {
  const before = await migrationState(url);
  await migrateDatabase(url);
  await createPublicationQueue(url).install();
  const after = await migrationState(url);
  // drizzle records each migration with its journal `when`; those after the latest recorded are applied.
  const appliedNow = journal.entries.filter((entry) => entry.when > before.latest && entry.when <= after.latest).map((entry) => entry.tag);
  return {
    applied: appliedNow,
    alreadyApplied: journal.entries.filter((entry) => entry.when <= before.latest).length,
    queueSchemaCreated: !before.queueSchema,
  };
}

async function migrationState(url: string): Promise<{ latest: number; queueSchema: boolean }> {
  const connection = connect(url, { max: 1 });
  try {
    const [found] = await connection.sql<{ migrations: boolean; queue_schema: boolean }[]>`
      select to_regclass('drizzle.__drizzle_migrations') is not null as migrations,
             exists (select 1 from pg_namespace where nspname = 'pgboss') as queue_schema`;
    const [latest] = found?.migrations
      ? await connection.sql<{ latest: string | null }[]>`select max(created_at)::text as latest from drizzle.__drizzle_migrations`
      : [{ latest: null }];
    return { latest: Number(latest?.latest ?? 0), queueSchema: found?.queue_schema ?? false };
  } finally {
    await connection.close();
  }
}

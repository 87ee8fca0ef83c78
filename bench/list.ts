/**
 * `npm run bench:list`: the interventions list, overview and needs-attention APIs at 1,000,000
 * interventions.
 *
 * Creates a scratch database on the PostgreSQL server of DATABASE_URL, seeds one million
 * interventions (with beneficiaries and publications) in SQL with generate_series, then calls
 * the list route handler — authentication, validation, query, JSON — the way Next.js does, one
 * request at a time, and prints p50/p95 per scenario and overall. Not part of the test suite.
 *
 *   DATABASE_URL=postgres://… npm run bench:list [-- --rows 1000000 --runs 40 --keep]
 *   … npm run bench:list -- --reuse sp_bench_xxx   measures again on a database kept by --keep
 */
import os from "node:os";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { connect } from "@/db/client";
import { prepareDatabase } from "@/db/prepare";
import { createApiToken } from "@/lib/auth/api-tokens";

const { values: flags } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    runs: { type: "string", default: "40" },
    keep: { type: "boolean", default: false },
    reuse: { type: "string" },
  },
});
const rows = Number(flags.rows);
const runs = Number(flags.runs);
const server = process.env.DATABASE_URL;
if (!server) throw new Error("DATABASE_URL must point at a PostgreSQL server; the benchmark creates its own database there");

const name = flags.reuse ?? `sp_bench_${Date.now().toString(36)}`;
if (!/^sp_bench_\w+$/.test(name)) throw new Error(`--reuse takes a database this benchmark created (sp_bench_…), not ${name}`);
const databaseUrl = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
const admin = postgres(Object.assign(new URL(server), { pathname: "/postgres" }).toString(), { max: 1, onnotice: () => {} });

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function seed(sql: postgres.Sql) {
  // Realistic proportions: most interventions published long ago, a few per troubled state.
  await sql`
    insert into beneficiaries (id, first_name, last_name, email, phone, contract_signed_at)
    select md5('b' || g)::uuid,
           (array['Camille','Léa','Manon','Chloé','Inès','Jeanne','Louise','Hugo','Lucas','Gabriel','Arthur','Jules','Louis','Nathan','Théo','Élodie'])[1 + g % 16],
           (array['Martin','Bernard','Dubois','Thomas','Robert','Richard','Petit','Durand','Leroy','Moreau','Simon','Laurent','Lefèvre','Michel','Garcia','David','Bertrand','Roux','Vincent','Fournier','Morel','Girard','Bonnet','Dupont','Lambert'])[1 + (g / 16) % 25],
           'person' || g || '@exemple.fr', '06' || lpad((g % 100000000)::text, 8, '0'), now() - interval '30 days'
    from generate_series(1, ${rows}) g`;
  await sql`
    insert into interventions (id, reference, beneficiary_id, address, postal_code, city, pdl, status, completed_at, search_text, created_at, updated_at)
    select md5('i' || g)::uuid, 'INT-' || lpad(g::text, 7, '0'), md5('b' || g)::uuid, g || ' rue des Lilas',
           (array['69003','13008','31000','33000','44000','67000','59000','35000','21000','01000','06000','63000'])[1 + g % 12],
           (array['Lyon','Marseille','Toulouse','Bordeaux','Nantes','Strasbourg','Lille','Rennes','Dijon','Bourg-en-Bresse','Nice','Clermont-Ferrand'])[1 + g % 12],
           lpad(g::text, 14, '0'),
           (case when g % 100 < 85 then 'published' when g % 100 < 93 then 'installation_done' when g % 100 < 96 then 'in_progress'
                 when g % 100 < 99 then 'scheduled' else 'cancelled' end)::intervention_status,
           case when g % 100 < 93 then now() - (g % 525600) * interval '1 minute' end,
           '', now() - (g % 525600) * interval '1 minute' - interval '1 day', now() - ((g::bigint * 7919) % 525600) * interval '1 minute'
    from generate_series(1, ${rows}) g`;
  await sql`
    update interventions i set search_text = lower(i.reference || ' ' || b.first_name || ' ' || b.last_name || ' ' || i.city)
    from beneficiaries b where b.id = i.beneficiary_id`;
  await sql`
    insert into publications (intervention_id, status, attempt_count, dossier_id, published_at, last_error_message, last_error_at, updated_at)
    select md5('i' || g)::uuid,
           (case when g % 100 < 85 then 'published' when g % 100 < 88 then 'queued' when g % 100 < 89 then 'retrying'
                 when g % 1000 between 890 and 894 then 'failed' when g % 100 < 91 then 'needs_review' else 'not_ready' end)::publication_status,
           case when g % 100 < 85 then 1 when g % 100 < 91 then 8 else 0 end,
           case when g % 100 < 85 then 'dos_' || g end,
           case when g % 100 < 85 then now() - ((g::bigint * 7919) % 525600) * interval '1 minute' end,
           case when g % 100 between 85 and 90 then 'Symphonics answered 503' end,
           case when g % 100 between 85 and 90 then now() - (g % 1440) * interval '1 minute' end,
           now() - ((g::bigint * 7919) % 525600) * interval '1 minute'
    from generate_series(1, ${rows}) g`;
  await sql`vacuum analyze beneficiaries`;
  await sql`vacuum analyze interventions`;
  await sql`vacuum analyze publications`;
}

/** [label, query], or [label, query, API] for the overview and needs-attention APIs. */
const scenarios: [string, string, Api?][] = [
  ["first page, newest change first", ""],
  ["failed publications", "publication=failed"],
  ["needs review or failed", "publication=needs_review,failed"],
  ["status cancelled", "status=cancelled"],
  ["search a beneficiary name", "q=lefèvre"],
  ["search a rare full name", "q=jeanne lambert"],
  ["search a reference", "q=int-0424242"],
  ["search a city", "q=clermont"],
  ["last change in a 7-day range", "from=2026-06-01&to=2026-06-07&tz=Europe/Paris"],
  ["sort by reference", "sort=reference_asc"],
  ["failed in Lyon, by reference", "publication=failed&q=lyon&sort=reference_desc"],
  ["200 rows per page", "limit=200"],
  ["overview, last 24 hours", "range=24h&tz=Europe/Paris", "overview"],
  ["overview, last 14 days", "range=14d&tz=Europe/Paris", "overview"],
  ["needs attention, everything", "", "attention"],
  ["needs attention, failed", "kind=failed", "attention"],
  ["needs attention, needs review", "kind=needs_review", "attention"],
  ["needs attention, stuck", "kind=stuck", "attention"],
];
type Api = "interventions" | "overview" | "attention";

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const started = performance.now();
  if (!flags.reuse) await admin.unsafe(`create database "${name}"`);
  try {
    const connection = connect(databaseUrl, { max: 10 });
    if (!flags.reuse) {
      await prepareDatabase(databaseUrl);
      console.log(`seeding ${rows.toLocaleString()} interventions into ${name}…`);
      const seeding = performance.now();
      await seed(connection.sql);
      console.log(`seeded in ${seconds(seeding)}`);
    }
    const { token } = await createApiToken(connection.db, "bench", "viewer");

    process.env.DATABASE_URL = databaseUrl;
    // One log line per request would measure the terminal, not the API.
    process.env.LOG_LEVEL ??= "warn";
    const handlers: Record<Api, (request: Request, context: never) => Promise<Response>> = {
      interventions: (await import("@/app/api/dashboard/interventions/route")).GET,
      overview: (await import("@/app/api/dashboard/overview/route")).GET,
      attention: (await import("@/app/api/dashboard/attention/route")).GET,
    };
    const call = async (query: string, api: Api = "interventions") => {
      const t0 = performance.now();
      const response = await handlers[api](new Request(`http://localhost/api/dashboard/${api}?${query}`, { headers: { authorization: `Bearer ${token}` } }), undefined as never);
      const body = (await response.json()) as { items?: unknown[]; alerts?: unknown[]; nextCursor: string | null };
      if (response.status !== 200) throw new Error(`${query}: ${response.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - t0, body };
    };

    const all: number[] = [];
    const lines: string[] = [];
    for (const [label, query, api] of scenarios) {
      for (let i = 0; i < 3; i++) await call(query, api); // warm-up: plans and buffers
      const times: number[] = [];
      let rowsShown = 0;
      for (let i = 0; i < runs; i++) {
        const { ms, body } = await call(query, api);
        times.push(ms);
        rowsShown = (body.items ?? body.alerts ?? []).length;
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      lines.push(`${label.padEnd(36)} ${percentile(times, 50).toFixed(1).padStart(7)} ${percentile(times, 95).toFixed(1).padStart(7)} ${String(rowsShown).padStart(5)}`);
    }
    // Deep keyset paging: 25 consecutive pages, each timed.
    const paging: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 25; page++) {
      const { ms, body } = await call(`publication=published${cursor ? `&cursor=${cursor}` : ""}`);
      paging.push(ms);
      cursor = body.nextCursor;
    }
    paging.sort((a, b) => a - b);
    all.push(...paging);
    lines.push(`${"keyset pages 1–25 (published)".padEnd(36)} ${percentile(paging, 50).toFixed(1).padStart(7)} ${percentile(paging, 95).toFixed(1).padStart(7)} ${"50".padStart(5)}`);
    all.sort((a, b) => a - b);

    const [{ version }] = (await connection.sql<{ version: string }[]>`select version()`) as unknown as [{ version: string }];
    const [{ n }] = (await connection.sql<{ n: number }[]>`select count(*)::int as n from interventions`) as unknown as [{ n: number }];
    const states = await connection.sql<{ status: string; n: number }[]>`select status, count(*)::int as n from publications group by 1 order by 2 desc`;
    console.log("\nConditions");
    console.log(`  interventions: ${n.toLocaleString()} (with as many beneficiaries and publications), page size 50 unless stated`);
    console.log(`  publications: ${states.map((row) => `${row.status} ${row.n.toLocaleString()}`).join(", ")}`);
    console.log(`  ${version.split(",")[0]}; Node ${process.version}; ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, shared with other work`);
    console.log(`  the route handlers (list, overview, needs attention) called in-process (API-token authentication, validation, SQL, JSON), sequentially; ${runs} timed calls per scenario after 3 warm-up calls`);
    console.log(`\n${"scenario".padEnd(36)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)} ${"rows".padStart(5)}  (overview: rows = open alerts shown)`);
    for (const line of lines) console.log(line);
    console.log(`\noverall: ${all.length} calls, p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${percentile(all, 95).toFixed(1)} ms, max ${all.at(-1)!.toFixed(1)} ms (target: p95 ≤ 50 ms in every scenario)`);
    console.log(`total time ${seconds(started)}`);
    await connection.close();
    const { getConnection } = await import("@/db/client");
    await getConnection().close();
  } finally {
    if (!flags.keep && !flags.reuse) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    else console.log(`kept the database ${name}`);
    await admin.end();
  }
}

await main();

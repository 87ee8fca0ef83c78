import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { migrationsFolder } from "./migrate";
import { prepareDatabase } from "./prepare";
import { adminUrl, withDatabase } from "./testing-urls";

/**
 * Prepares one template database per version of the migrations; each test file then clones it
 * (db/testing.ts), which takes milliseconds instead of re-running every migration.
 */
export default async function setup({ provide }: { provide: (key: "templateDatabase", value: string) => void }) {
  const hash = createHash("sha256");
  for (const file of readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql")).sort()) {
    hash.update(readFileSync(path.join(migrationsFolder, file)));
  }
  const template = `sp_template_${hash.digest("hex").slice(0, 12)}`;
  const sql = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  try {
    const [existing] = await sql`select 1 from pg_database where datname = ${template}`;
    if (!existing) {
      const building = `${template}_building_${process.pid}`;
      await sql.unsafe(`drop database if exists "${building}"`);
      await sql.unsafe(`create database "${building}"`);
      await prepareDatabase(withDatabase(adminUrl(), building));
      // A rename is atomic: a template exists only once complete, even if a run is interrupted.
      await sql.unsafe(`alter database "${building}" rename to "${template}"`).catch(async (error: unknown) => {
        await sql.unsafe(`drop database if exists "${building}"`);
        const [raced] = await sql`select 1 from pg_database where datname = ${template}`;
        if (!raced) throw error;
      });
    }
  } finally {
    await sql.end();
  }
  provide("templateDatabase", template);
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

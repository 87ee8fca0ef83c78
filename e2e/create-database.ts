import postgres from "postgres";

/** Creates the empty database the end-to-end run starts the product on (see playwright.config.ts). */
const url = new URL(process.env.DATABASE_URL!);
const name = url.pathname.slice(1);
if (!/^sp_e2e_[0-9a-f]+$/.test(name)) throw new Error(`refusing to create ${name}: not an end-to-end database name`);
url.pathname = "/postgres";
const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
await sql.unsafe(`drop database if exists "${name}" with (force)`);
await sql.unsafe(`create database "${name}"`);
await sql.end();

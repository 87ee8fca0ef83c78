import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Rules the type checker cannot see, checked over the product's source (tests and fixtures may
 * set up any state they need): one module writes publications.status, the underway set is written
 * once, and pg-boss's tables are read only by the queue module.
 */
const root = path.resolve(import.meta.dirname, "..");
const STATUS_MODULE = "lib/publication/status.ts";
const QUEUE_MODULE = "lib/publication/queue.ts";

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "migrations" ? [] : sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) && !/\.(test|spec)\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}
const files = ["app", "components", "lib", "db", "jobs", "cli", "sandbox", "bench"].flatMap(sourceFiles).map((file) => ({ file, text: readFileSync(path.join(root, file), "utf8") }));

/** Files with a drizzle `.update(publications)` whose `.set({…})` names status, or a raw SQL update of it. */
function writesPublicationStatus(text: string): boolean {
  const drizzle = [...text.matchAll(/\.update\(publications\)\s*\.set\(\{/g)].some((match) => {
    const body = text.slice(match.index + match[0].length - 1, text.indexOf(".where(", match.index) >>> 0);
    // A key (status: … or shorthand), not a value (dossierStatus: status).
    return /[{,]\s*status\s*[:,}]/.test(body);
  });
  return drizzle || /update\s+publications\b[^;`]*?\bset\b[^;`]*?(^|[\s,])status\s*=/i.test(text);
}

const UNDERWAY = ["queued", "in_progress", "retrying"];
const OTHER_STATUSES = ["not_ready", "published", "needs_review", "failed"];

/** Runs of quoted literals close together (a list, a set, an `||` chain) naming exactly the underway statuses. */
function spellsUnderwaySet(text: string): boolean {
  const literals = [...text.matchAll(/(["'])([a-z_]+)\1/g)].map((match) => ({ value: match[2]!, start: match.index, end: match.index + match[0].length }));
  const runs: string[][] = [];
  literals.forEach((literal, i) => {
    if (i > 0 && literal.start - literals[i - 1]!.end < 60) runs.at(-1)!.push(literal.value);
    else runs.push([literal.value]);
  });
  return runs.some((run) => UNDERWAY.every((status) => run.includes(status)) && !OTHER_STATUSES.some((status) => run.includes(status)));
}

describe("the architecture", () => {
  it("the checks recognise what they look for", () => {
    expect(writesPublicationStatus(`await tx.update(publications).set({ status: "queued", updatedAt: sql\`now()\` }).where(x)`)).toBe(true);
    expect(writesPublicationStatus(`await tx.update(publications).set({ dossierId, dossierStatus: status }).where(x)`)).toBe(false);
    expect(writesPublicationStatus("sql`update publications set status = 'failed' where true`")).toBe(true);
    expect(spellsUnderwaySet(`const busy = new Set(["queued", "in_progress", "retrying"]);`)).toBe(true);
    expect(spellsUnderwaySet(`s === "queued" || s === "in_progress" || s === "retrying"`)).toBe(true);
    expect(spellsUnderwaySet(`where p.status in ('queued', 'retrying', 'in_progress')`)).toBe(true);
    expect(spellsUnderwaySet(`pgEnum("publication_status", ["not_ready", "queued", "in_progress", "retrying", "published"])`)).toBe(false);
  });

  it(`only ${STATUS_MODULE} writes publications.status`, () => {
    expect(files.filter(({ text }) => writesPublicationStatus(text)).map(({ file }) => file)).toEqual([STATUS_MODULE]);
  });

  it(`the underway statuses are listed only in ${STATUS_MODULE}`, () => {
    expect(files.filter(({ text }) => spellsUnderwaySet(text)).map(({ file }) => file)).toEqual([STATUS_MODULE]);
  });

  it(`only ${QUEUE_MODULE} reads pg-boss's tables`, () => {
    expect(files.filter(({ text }) => /\bpgboss\./.test(text)).map(({ file }) => file)).toEqual([QUEUE_MODULE]);
  });
});

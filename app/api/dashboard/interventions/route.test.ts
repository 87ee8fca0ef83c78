import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { interventions, publications, type PublicationStatus } from "@/db/schema";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import type { InterventionList } from "@/lib/dashboard/interventions";
import { GET } from "./route";

const { db } = await useTestDatabase();
let token: string;

const cities = ["Lyon", "Marseille", "Villeurbanne"];
const states: PublicationStatus[] = ["failed", "published", "needs_review", "queued"];

beforeAll(async () => {
  token = (await createApiToken(db, "viewer", "viewer")).token;
  for (let i = 0; i < 30; i++) {
    const reference = `INT-LIST-${String(i).padStart(3, "0")}`;
    await putIntervention(db, reference, sampleInterventionInput({ city: cities[i % 3]!, beneficiary_last_name: i === 7 ? "Zébulon" : "Durand", status: "scheduled" }), systemPrincipal);
  }
  // Spread the last changes over distinct days, newest last; two rows share a timestamp to test ties.
  await db.execute(sql`update interventions set updated_at = timestamptz '2026-11-01 12:00:00.123456+00' + (substring(reference from 10)::int * interval '1 day')`);
  await db.execute(sql`update interventions set updated_at = timestamptz '2026-11-05 12:00:00.123456+00' where reference in ('INT-LIST-004', 'INT-LIST-005')`);
  const ids = await db.select({ id: interventions.id, reference: interventions.reference }).from(interventions);
  for (const { id, reference } of ids) {
    await db.update(publications).set({ status: states[Number(reference.slice(-3)) % 4]! }).where(eq(publications.interventionId, id));
  }
});

async function list(query: string, auth: string | null = token) {
  const response = await GET(new Request(`http://localhost/api/dashboard/interventions?${query}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} }), undefined as never);
  return { status: response.status, contentType: response.headers.get("content-type"), body: (await response.json()) as InterventionList & { errors?: { field: string; message: string }[] } };
}

async function allPages(query: string) {
  const references: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(`${query}&limit=7${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    references.push(...page.body.items.map((i) => i.reference));
    cursor = page.body.nextCursor;
  } while (cursor);
  return references;
}

describe("GET /api/dashboard/interventions", () => {
  it("pages through every row exactly once with keyset cursors, ties included, in both directions", async () => {
    const down = await allPages("sort=updated_desc");
    expect(down).toHaveLength(30);
    expect(new Set(down).size).toBe(30);
    expect(down[0]).toBe("INT-LIST-029");
    const up = await allPages("sort=updated_asc");
    expect(up).toEqual([...down].reverse());
    expect(await allPages("sort=reference_asc")).toEqual([...down].sort());
    expect(await allPages("sort=reference_desc")).toEqual([...down].sort().reverse());
  });

  it("filters by synchronisation state, intervention status and day range in the caller's time zone", async () => {
    const failed = await allPages("publication=failed,needs_review");
    expect(failed.every((r) => [0, 2].includes(Number(r.slice(-3)) % 4))).toBe(true);
    expect(failed).toHaveLength(15);
    expect(await allPages("status=cancelled")).toEqual([]);
    // INT-LIST-010 changed on 2026-11-11 12:00 UTC; in Tokyo that is still the 11th, in Honolulu the 11th at 02:00.
    expect(await allPages("from=2026-11-11&to=2026-11-11&tz=Asia/Tokyo")).toEqual(["INT-LIST-010"]);
    expect(await allPages("from=2026-11-11&to=2026-11-12&tz=UTC")).toEqual(["INT-LIST-011", "INT-LIST-010"]);
  });

  it("filtered by synchronisation state, orders and pages by when each publication entered its state", async () => {
    // Publications changed in the reverse order of their interventions, two at the same instant.
    await db.execute(sql`update publications p set updated_at = timestamptz '2026-12-31 00:00:00.5+00' - (substring(i.reference from 10)::int * interval '1 hour')
                         from interventions i where i.id = p.intervention_id`);
    await db.execute(sql`update publications p set updated_at = timestamptz '2026-12-01 00:00:00+00' from interventions i
                         where i.id = p.intervention_id and i.reference in ('INT-LIST-000', 'INT-LIST-002')`);
    const page = await list("publication=failed,needs_review&limit=100");
    expect(page.body.orderedBy).toBe("publicationChangedAt");
    const expected = page.body.items.map((i) => i.reference);
    expect(expected.slice(0, 3)).toEqual(["INT-LIST-004", "INT-LIST-006", "INT-LIST-008"]);
    expect(await allPages("publication=failed,needs_review")).toEqual(expected);
    expect(await allPages("publication=failed,needs_review&sort=updated_asc")).toEqual([...expected].reverse());
    expect((await list("")).body.orderedBy).toBe("updatedAt");
  });

  it("searches reference, beneficiary name and city, case-insensitively", async () => {
    expect(await allPages("q=zébulon")).toEqual(["INT-LIST-007"]);
    expect(await allPages("q=ZÉBULON")).toEqual(["INT-LIST-007"]);
    expect(await allPages("q=list-012")).toEqual(["INT-LIST-012"]);
    expect(await allPages("q=VILLEUR")).toHaveLength(10);
    expect(await allPages("q=100%25")).toEqual([]);
  });

  it("returns the list columns the page shows", async () => {
    const { body } = await list("q=list-013");
    expect(body.items[0]).toMatchObject({ reference: "INT-LIST-013", beneficiaryName: "Camille Durand", city: "Marseille", publicationStatus: "published", status: "scheduled" });
  });

  it("answers bad parameters with 422 naming each field", async () => {
    const response = await list("publication=lost&status=x&q=ab&from=2026-13-01&sort=random&limit=0&tz=Mars/Olympus");
    expect(response.status).toBe(422);
    expect(response.contentType).toBe("application/problem+json");
    expect(response.body.errors!.map((e) => e.field).sort()).toEqual(["from", "limit", "publication", "q", "sort", "status", "tz"]);
    expect((await list("from=2026-11-20&to=2026-11-01")).body.errors![0]!.field).toBe("to");
    expect((await list("cursor=bm9wZQ")).body.errors![0]!.field).toBe("cursor");
    expect((await list("cursor=%E2%9C%93")).status).toBe(422);
  });

  it("refuses a cursor the list never produced and values the database cannot hold, as 422 naming the parameter", async () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const id = "0b7a4a3e-5d1c-4f6e-8a2b-3c4d5e6f7a8b";
    const refusals: [string, string][] = [
      [`cursor=${forged(["not-a-time", id])}`, "cursor"],
      [`cursor=${forged(["0001-01-01T00:00:00.000000Z", id])}`, "cursor"],
      [`cursor=${forged(["2026-11-05T12:00:00.123456Z", "not-a-uuid"])}`, "cursor"],
      [`cursor=${forged([{ at: 1 }, id])}`, "cursor"],
      [`cursor=${forged("INT-LIST-001")}`, "cursor"],
      // A reference continues a list sorted by reference, never one sorted by time.
      [`sort=updated_desc&cursor=${forged(["INT-LIST-010", id])}`, "cursor"],
      [`cursor=${"A".repeat(400)}`, "cursor"],
      ["from=0000-01-01", "from"],
      ["from=1969-12-31", "from"],
      ["to=2101-01-01", "to"],
      ["q=%00%00%00", "q"],
      ["q=Dur%00and", "q"],
      ["tz=US/Pacific-New", "tz"],
    ];
    for (const [query, field] of refusals) {
      const response = await list(query);
      expect({ query, status: response.status, contentType: response.contentType }).toEqual({ query, status: 422, contentType: "application/problem+json" });
      expect(response.body.errors!.map((e) => e.field)).toEqual([field]);
    }
    expect((await list("tz=US/Pacific-New")).body.errors![0]!.message).toMatch(/America\/Los_Angeles/);
    expect((await list(`sort=reference_asc&cursor=${forged(["INT-LIST-027", id])}`)).body.items.map((i) => i.reference)).toEqual(["INT-LIST-028", "INT-LIST-029"]);
    expect((await list("from=1970-01-01&to=2100-12-31")).status).toBe(200);
  });

  it("reads a numeric offset east of UTC, as ISO 8601 writes it", async () => {
    const { id } = await putIntervention(db, "INT-TZ-001", sampleInterventionInput({ status: "scheduled" }), systemPrincipal);
    await db.execute(sql`update interventions set updated_at = timestamptz '2026-11-20 20:00:00+00' where id = ${id}`);
    // 20:00 UTC on the 20th is 01:30 on the 21st at +05:30, and 15:00 on the 20th at -05:00.
    expect(await allPages("q=int-tz&from=2026-11-21&to=2026-11-21&tz=%2B05:30")).toEqual(["INT-TZ-001"]);
    expect(await allPages("q=int-tz&from=2026-11-21&to=2026-11-21&tz=%2B0530")).toEqual(["INT-TZ-001"]);
    expect(await allPages("q=int-tz&from=2026-11-20&to=2026-11-20&tz=%2B05:30")).toEqual([]);
    expect(await allPages("q=int-tz&from=2026-11-20&to=2026-11-20&tz=-05:00")).toEqual(["INT-TZ-001"]);
    expect(await allPages("q=int-tz&from=2026-11-21&to=2026-11-21&tz=Asia/Kolkata")).toEqual(["INT-TZ-001"]);
  });

  it("lists only interventions that have a publication, also when the newest match has none", async () => {
    for (const reference of ["INT-LIST-PAIR-A", "INT-LIST-PAIR-B"]) {
      await putIntervention(db, reference, sampleInterventionInput({ city: "Oyonnax", status: "scheduled" }), systemPrincipal);
    }
    const [newest] = await db.update(interventions).set({ updatedAt: sql`now() + interval '1 day'` }).where(eq(interventions.reference, "INT-LIST-PAIR-B")).returning({ id: interventions.id });
    await db.delete(publications).where(eq(publications.interventionId, newest!.id));

    const { body } = await list("q=oyonnax&limit=1");
    expect(body.items.map((i) => i.reference)).toEqual(["INT-LIST-PAIR-A"]);
    expect(body.nextCursor).toBeNull();
    await db.delete(interventions).where(sql`${interventions.reference} like 'INT-LIST-PAIR-%'`);
  });

  it("searched and filtered by state, finds an intervention by what it says now, not by what it said", async () => {
    await putIntervention(db, "INT-LIST-COPY", sampleInterventionInput({ city: "Annecy", beneficiary_last_name: "Quenouille", status: "scheduled" }), systemPrincipal);
    const [row] = await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, "INT-LIST-COPY"));
    await db.update(publications).set({ status: "failed" }).where(eq(publications.interventionId, row!.id));
    expect(await allPages("publication=failed&q=quenouille&sort=reference_desc")).toEqual(["INT-LIST-COPY"]);

    await putIntervention(db, "INT-LIST-COPY", sampleInterventionInput({ city: "Chambéry", beneficiary_last_name: "Pelote", status: "scheduled" }), systemPrincipal);
    // A replacement recomputes the publication's state; failed again, as a stale copy would show.
    await db.update(publications).set({ status: "failed" }).where(eq(publications.interventionId, row!.id));
    expect(await allPages("publication=failed&q=quenouille&sort=reference_desc")).toEqual([]);
    expect(await allPages("publication=failed&q=annecy")).toEqual([]);
    expect(await allPages("publication=failed&q=chambéry&sort=reference_desc")).toEqual(["INT-LIST-COPY"]);
    expect(await allPages("publication=failed&q=PELOTE")).toEqual(["INT-LIST-COPY"]);
    const [copy] = await db.select({ searchText: publications.searchText }).from(publications).where(eq(publications.interventionId, row!.id));
    expect(copy!.searchText).toBe("int-list-copy camille pelote chambéry");
    await db.delete(interventions).where(eq(interventions.reference, "INT-LIST-COPY"));
  });

  it("needs authentication", async () => {
    expect((await list("", null)).status).toBe(401);
    expect((await list("", "sp_wrong")).status).toBe(401);
  });
});


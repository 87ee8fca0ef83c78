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
  return { status: response.status, contentType: response.headers.get("content-type"), body: (await response.json()) as InterventionList & { errors?: { field: string }[] } };
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

  it("needs authentication", async () => {
    expect((await list("", null)).status).toBe(401);
    expect((await list("", "sp_wrong")).status).toBe(401);
  });
});


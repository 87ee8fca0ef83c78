import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { publications, type PublicationStatus } from "@/db/schema";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import type { InterventionList, SyncStateTotals } from "@/lib/dashboard/interventions";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { GET as listGET } from "../interventions/route";
import { GET } from "./route";

const { db } = await useTestDatabase();
let token: string;

// 12 interventions: 0–3 failed, 4–8 published, 9–11 not ready (10 and 11 cancelled); odd ones in Lyon.
const stateOf = (i: number): PublicationStatus => (i < 4 ? "failed" : i < 9 ? "published" : "not_ready");

beforeAll(async () => {
  token = (await createApiToken(db, "viewer", "viewer")).token;
  for (let i = 0; i < 12; i++) {
    const { id } = await putIntervention(db, `INT-TOT-${String(i).padStart(3, "0")}`, sampleInterventionInput({ city: i % 2 ? "Lyon" : "Nantes", status: i >= 10 ? "cancelled" : "scheduled" }), systemPrincipal);
    await db.update(publications).set({ status: stateOf(i) }).where(eq(publications.interventionId, id));
  }
  // Failed 0 and 1 entered their state on 2026-11-10, every other one on 2026-11-20.
  await db.execute(sql`update publications set updated_at = timestamptz '2026-11-20 12:00:00+00'`);
  await db.execute(sql`update publications set updated_at = timestamptz '2026-11-10 12:00:00+00'
                       where intervention_id in (select id from interventions where reference in ('INT-TOT-000', 'INT-TOT-001'))`);
});

async function get<T>(handler: typeof GET, path: string, auth: string | null = token) {
  const response = await handler(new Request(`http://localhost${path}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} }), undefined as never);
  return { status: response.status, body: (await response.json()) as T & { errors?: { field: string }[] } };
}
const totals = (query: string, auth?: string | null) => get<SyncStateTotals>(GET, `/api/dashboard/publication-totals?tz=UTC&${query}`, auth);

describe("GET /api/dashboard/publication-totals", () => {
  it("counts every state, cancelled interventions among not ready, and agrees with what each state filter lists", async () => {
    const { status, body } = await totals("");
    expect(status).toBe(200);
    expect(body).toEqual({
      byState: { not_ready: 3, queued: 0, in_progress: 0, retrying: 0, published: 5, needs_review: 0, failed: 4, resolved: 0 },
      cancelled: 2,
      total: 12,
    });
    for (const state of ["failed", "published", "not_ready"] as const) {
      const list = await get<InterventionList>(listGET, `/api/dashboard/interventions?tz=UTC&publication=${state}`);
      expect(list.body.items, state).toHaveLength(body.byState[state]);
    }
  });

  it("counts under the list's other filters: search, intervention status and the days a publication entered its state", async () => {
    expect((await totals("q=lyon")).body).toMatchObject({ byState: { failed: 2, published: 2, not_ready: 2 }, cancelled: 1, total: 6 });
    expect((await totals("status=cancelled")).body).toMatchObject({ byState: { not_ready: 2, failed: 0 }, cancelled: 2, total: 2 });
    expect((await totals("from=2026-11-15")).body).toMatchObject({ byState: { failed: 2, published: 5, not_ready: 3 }, total: 10 });
    const since = await totals("from=2026-11-15&q=lyon");
    const listed = await get<InterventionList>(listGET, "/api/dashboard/interventions?tz=UTC&publication=failed&from=2026-11-15&q=lyon");
    expect(listed.body.items).toHaveLength(since.body.byState.failed);
  });

  it("refuses a bad filter naming it, and a request without a token", async () => {
    for (const [query, field] of [["status=lost", "status"], ["from=2026-11-20&to=2026-11-01", "to"], ["q=ab", "q"]]) {
      const bad = await totals(query!);
      expect(bad.status, query).toBe(422);
      expect(bad.body.errors!.map((error) => error.field)).toEqual([field]);
    }
    expect((await totals("", null)).status).toBe(401);
  });
});

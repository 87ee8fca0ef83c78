import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as syncStatus } from "@/app/api/interventions/[reference]/sync-status/route";
import { PUT } from "@/app/api/interventions/[reference]/route";
import { interventions, publications } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { patchIntervention } from "@/lib/interventions/intake";
import { runPublication } from "@/lib/publication/publish";
import { createPublicationQueue } from "@/lib/publication/queue";
import { eligibleInput, fastPipelineEnv, runDepsFor, sampleFileStorage } from "@/lib/publication/test-support";
import { createSymphonicsClient } from "@/lib/symphonics/client";
import { CREDENTIALS, sandboxForFile } from "@/lib/symphonics/test-support";

/**
 * Interventions come from the field before they are complete: intake records them, and when
 * publication is due the mapping says what is missing, in the workforce app's names, and nothing
 * goes to Symphonics until the data is completed.
 */
Object.assign(process.env, fastPipelineEnv({ FILE_STORAGE_DIR: sampleFileStorage() }));
const sandbox = await sandboxForFile({ rateLimit: false });
const { db, url } = await useTestDatabase();
const queue = createPublicationQueue(url);
const client = createSymphonicsClient({ baseUrl: sandbox.url, ...CREDENTIALS });
let operator: string;
beforeAll(async () => {
  operator = (await createApiToken(db, "workforce", "operator")).token;
  return async () => {
    await queue.stop();
    await client.close();
  };
});

const deps = () => runDepsFor({ db, client, schedule: queue.schedule });

const context = (reference: string) => ({ params: Promise.resolve({ reference }) });
async function put(reference: string, body: unknown) {
  const request = new Request(`http://localhost/api/interventions/${reference}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${operator}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return PUT(request, context(reference));
}
async function syncStatusOf(reference: string) {
  const response = await syncStatus(new Request(`http://localhost/api/interventions/${reference}/sync-status`, { headers: { authorization: `Bearer ${operator}` } }), context(reference));
  return response.json();
}
const sentFor = (reference: string) => sandbox.ledger().requests.filter((r) => r.idempotencyKey?.includes(reference) || r.path.includes(reference)).length;

describe("an intervention recorded before it is complete", () => {
  it("is stored, flagged for review naming beneficiary_email when publication is due, never sent; completing it publishes it", async () => {
    const reference = `INT-INCOMPLETE-${process.pid}`;
    const withoutEmail: Record<string, unknown> = eligibleInput();
    delete withoutEmail.beneficiary_email;
    expect((await put(reference, withoutEmail)).status).toBe(201);
    const [intervention] = await db.select().from(interventions).where(eq(interventions.reference, reference));
    const request = { interventionId: intervention!.id, trigger: "automatic" as const, triggeredBy: "test" };

    expect(await runPublication(deps(), request)).toBe("needs_review");
    const status = await syncStatusOf(reference);
    expect(status).toMatchObject({ status: "needs_review", problems: [{ field: "beneficiary_email", message: "The beneficiary's email is missing." }] });
    expect(sentFor(reference)).toBe(0);
    expect(sandbox.ledger().countsByExternalReference[reference]).toBeUndefined();

    // The workforce app sends it again with the email: publication is triggered again, and goes through.
    expect((await put(reference, eligibleInput())).status).toBe(200);
    const [queued] = await db.select().from(publications).where(eq(publications.interventionId, intervention!.id));
    expect(queued!.status).toBe("queued");
    expect(await runPublication(deps(), request)).toBe("published");
    expect(sandbox.ledger().countsByExternalReference[reference]).toBe(1);
    expect(sandbox.ledger().dossiers.find((d) => d.externalReference === reference)).toBeDefined();
  });

  it("without a name: stored with the name absent, the missing names said at publication; its completion date, given with an offset, is sent in UTC", async () => {
    const reference = `INT-NAMELESS-${process.pid}`;
    const nameless: Record<string, unknown> = eligibleInput({ beneficiary_first_name: null, completed_at: "2026-11-20T16:42:00+01:00" });
    delete nameless.beneficiary_last_name;
    expect((await put(reference, nameless)).status).toBe(201);
    const [intervention] = await db.select().from(interventions).where(eq(interventions.reference, reference));
    expect(intervention!.completedAt?.toISOString()).toBe("2026-11-20T15:42:00.000Z");
    const request = { interventionId: intervention!.id, trigger: "automatic" as const, triggeredBy: "test" };

    expect(await runPublication(deps(), request)).toBe("needs_review");
    expect(await syncStatusOf(reference)).toMatchObject({
      status: "needs_review",
      problems: [
        { field: "beneficiary_first_name", message: "The beneficiary's first name is missing." },
        { field: "beneficiary_last_name", message: "The beneficiary's last name is missing." },
      ],
    });
    expect(sentFor(reference)).toBe(0);

    expect((await put(reference, eligibleInput({ completed_at: "2026-11-20T16:42:00+01:00" }))).status).toBe(200);
    expect(await runPublication(deps(), request)).toBe("published");
    expect(sandbox.ledger().dossiers.find((d) => d.externalReference === reference)?.completedAt).toBe("2026-11-20T15:42:00Z");
  });

  it("without a completion date: the moment it reached installation_done, kept when it is sent again", async () => {
    const reference = `INT-DONE-NOW-${process.pid}`;
    const before = Date.now();
    expect((await put(reference, eligibleInput())).status).toBe(201);
    const [first] = await db.select().from(interventions).where(eq(interventions.reference, reference));
    expect(first!.completedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await put(reference, eligibleInput())).status).toBe(200);
    const [again] = await db.select().from(interventions).where(eq(interventions.reference, reference));
    expect(again!.completedAt).toEqual(first!.completedAt);
  });

  it("a PATCH to installation_done may give the completion date too", async () => {
    const reference = `INT-PATCHED-DONE-${process.pid}`;
    expect((await put(reference, eligibleInput({ status: "in_progress" }))).status).toBe(201);
    await patchIntervention(db, reference, { status: "installation_done", completed_at: "2026-11-20T10:42:00-05:00" }, systemPrincipal);
    const [done] = await db.select().from(interventions).where(eq(interventions.reference, reference));
    expect(done).toMatchObject({ status: "installation_done", completedAt: new Date("2026-11-20T15:42:00Z") });
  });

  it("refuses an absurd completion date, naming the field, and records nothing", async () => {
    const reference = `INT-YEAR-30-${process.pid}`;
    const response = await put(reference, eligibleInput({ completed_at: "0030-11-20T15:42:00Z" }));
    expect(response.status).toBe(422);
    expect((await response.json()).errors).toEqual([{ field: "completed_at", message: "must be between 1970-01-01 and 2100-12-31" }]);
    expect(await db.select().from(interventions).where(eq(interventions.reference, reference))).toEqual([]);
  });
});

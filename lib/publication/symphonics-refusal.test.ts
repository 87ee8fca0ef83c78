import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as syncStatus } from "@/app/api/interventions/[reference]/sync-status/route";
import { interventions, publications } from "@/db/schema";
import { useTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { interventionDetail } from "@/lib/dashboard/intervention-detail";
import { putIntervention } from "@/lib/interventions/intake";
import { runPublication } from "./publish";
import { createPublicationQueue } from "./queue";
import { eligibleInput, fastPipelineEnv, runDepsFor, sampleFileStorage } from "./test-support";
import { createSymphonicsClient } from "@/lib/symphonics/client";
import { CREDENTIALS, sandboxForFile } from "@/lib/symphonics/test-support";

/**
 * Symphonics refusing values the mapping found well formed (its 422 validation_failed): the
 * problems are said in the workforce app's field names, as local validation says them, with
 * Symphonics' own field name and code kept for the details.
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
async function syncStatusOf(reference: string) {
  const response = await syncStatus(new Request(`http://localhost/api/interventions/${reference}/sync-status`, { headers: { authorization: `Bearer ${operator}` } }), {
    params: Promise.resolve({ reference }),
  });
  return response.json();
}

describe("a Symphonics 422", () => {
  it("is reported in the workforce app's field names, Symphonics' field and code in the details; a correction re-queues it", async () => {
    const reference = `INT-REFUSED-${process.pid}`;
    await putIntervention(db, reference, eligibleInput(), systemPrincipal);
    const [intervention] = await db.select().from(interventions).where(eq(interventions.reference, reference));
    const request = { interventionId: intervention!.id, trigger: "automatic" as const, triggeredBy: "test" };

    sandbox.setFaults({ refusedFields: ["customer.phone", "photos[1].url"] });
    expect(await runPublication(deps(), request)).toBe("needs_review");
    sandbox.setFaults({ refusedFields: [] });
    expect(sandbox.ledger().requests.filter((r) => r.status === 422)).toHaveLength(1);
    expect(sandbox.ledger().countsByExternalReference[reference]).toBeUndefined();

    const expected = [
      { field: "beneficiary_phone", message: "Symphonics refused this value: is not accepted (injected fault)", symphonics: { field: "customer.phone", code: "not_accepted" } },
      { field: "photos[1].file_path", message: "Symphonics refused this value: is not accepted (injected fault)", symphonics: { field: "photos[1].url", code: "not_accepted" } },
    ];
    expect(await syncStatusOf(reference)).toMatchObject({ status: "needs_review", problems: expected });
    // The intervention page reads the same problems (its details toggle shows the Symphonics part).
    expect((await interventionDetail(db, reference))?.publication.problems).toEqual(expected);

    // The workforce app sends the intervention again: it is queued and goes through.
    await putIntervention(db, reference, eligibleInput({ beneficiary_phone: "06 98 76 54 32" }), systemPrincipal);
    const [queued] = await db.select().from(publications).where(eq(publications.interventionId, intervention!.id));
    expect(queued!.status).toBe("queued");
    expect(await runPublication(deps(), request)).toBe("published");
    expect(sandbox.ledger().countsByExternalReference[reference]).toBe(1);
  });
});

import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { alerts, interventions, publications } from "@/db/schema";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";
import { putIntervention } from "@/lib/interventions/intake";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { markQueued } from "@/lib/publication/status";
import { GET } from "./route";

const { db } = await useTestDatabase();
let token: string;
let interventionId: string;

beforeAll(async () => {
  token = (await createApiToken(db, "live", "viewer")).token;
  await putIntervention(db, "LIVE-1", sampleInterventionInput({ contract_signed_at: null }), systemPrincipal);
  [{ id: interventionId }] = (await db.select({ id: interventions.id }).from(interventions).where(eq(interventions.reference, "LIVE-1"))) as [{ id: string }];
});

/** Opens the stream as a browser would, and reads its events one by one. */
async function open(headers: Record<string, string> = { authorization: `Bearer ${token}` }) {
  const abort = new AbortController();
  const response = await GET(new Request("http://localhost/api/dashboard/events", { headers, signal: abort.signal }));
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  /** The next event (or comment) block, within `ms`. */
  async function next(ms = 2_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!buffered.includes("\n\n")) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(0, deadline - Date.now())))]);
      if (chunk === null) throw new Error(`no event within ${ms} ms (buffered: ${JSON.stringify(buffered)})`);
      if (chunk.done) throw new Error("the stream ended");
      buffered += chunk.value;
    }
    const at = buffered.indexOf("\n\n");
    const block = buffered.slice(0, at);
    buffered = buffered.slice(at + 2);
    return block;
  }
  return { response, reader, next, abort };
}

describe("GET /api/dashboard/events", () => {
  it("refuses a caller without a session or token", async () => {
    const response = await GET(new Request("http://localhost/api/dashboard/events"));
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("announces each committed change by reference and kind only, never a rolled-back one, and closes when the client goes", async () => {
    const stream = await open();
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get("cache-control")).toContain("no-transform");
    expect(await stream.next()).toBe("retry: 2000\nevent: ready\ndata: {}");

    // Rolled back: nothing is announced, the next committed change comes first.
    await db
      .transaction(async (tx) => {
        await markQueued(tx, interventionId, "not_ready");
        throw new Error("rolled back");
      })
      .catch(() => {});
    await db.transaction(async (tx) => {
      await markQueued(tx, interventionId, "not_ready");
    });
    expect(await stream.next()).toBe(`event: change\ndata: ${JSON.stringify({ reference: "LIVE-1", kind: "publication" })}`);

    await db.insert(alerts).values({ kind: "publication_failed", groupKey: "live-test", message: "Jeanne Martin's dossier failed", interventionId });
    const alert = await stream.next();
    expect(alert).toBe(`event: change\ndata: ${JSON.stringify({ reference: "LIVE-1", kind: "alert" })}`);
    // The message (which could name a person) never travels.
    expect(alert).not.toContain("Jeanne");

    await db.execute(sql`insert into circuit_breakers (name) values ('symphonics') on conflict (name) do update set consecutive_failures = 1`);
    expect(await stream.next()).toBe(`event: change\ndata: ${JSON.stringify({ reference: null, kind: "circuit" })}`);

    stream.abort.abort();
    expect((await stream.reader.read()).done).toBe(true);
  });

  it("keeps an idle stream open with heartbeats", async () => {
    const { dashboardChangeStream } = await import("@/lib/dashboard/live");
    const abort = new AbortController();
    const reader = (await dashboardChangeStream(abort.signal, { heartbeatMs: 50 })).pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes(": heartbeat\n\n")) text += (await reader.read()).value ?? "";
    abort.abort();
    expect((await reader.read()).done).toBe(true);
    // Unsubscribed: a change after the close reaches nobody and throws nothing.
    await db.update(publications).set({ updatedAt: sql`now()` }).where(eq(publications.interventionId, interventionId));
  });
});

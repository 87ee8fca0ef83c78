// The sandbox's own readings of §2 that tests rely on: every refused request (429, 503) is charged
// to the client's bucket, requests sent during an announced Retry-After are recorded, and webhooks
// can be switched off.
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { RetryAfterHolds } from "./holds";
import { eventually, get, localServer, post, sandbox, SECRET, token, validDossier } from "./test-support";

const LIST = "/v1/dossiers?externalReference=NONE";
const controlOf = (url: string) => `${url.replace(/\/crm$/, "")}/_sandbox`;

describe("refused requests drain the bucket", () => {
  it("a 503 in maintenance costs a token like an accepted request, and so does each 429", async () => {
    // A slow refill keeps the counts exact however slow the machine is.
    const sb = await sandbox({ rateLimit: { perSecond: 0.1, burst: 4 }, holdGraceMs: 0 });
    const bearer = await token(sb);
    sb.startMaintenance(60);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const refused = await get(sb, LIST, bearer);
      expect(refused.status).toBe(503);
      remaining.push(refused.headers.get("ratelimit-remaining"));
    }
    expect(remaining).toEqual(["3", "2", "1", "0"]);
    // The bucket is empty: the maintenance is not even reached, and each 429 deepens the debt.
    const first = await get(sb, LIST, bearer);
    const second = await get(sb, LIST, bearer);
    expect([first.status, second.status]).toEqual([429, 429]);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(Number(first.headers.get("retry-after")));
  });
});

describe("requests during an announced Retry-After", () => {
  it("are recorded per client, on the ledger and in GET /_sandbox/stats; a request after the hold is not", async () => {
    const sb = await sandbox({ rateLimit: false, holdGraceMs: 20 });
    const bearer = await token(sb);
    sb.startMaintenance(1);
    const announced = await get(sb, LIST, bearer);
    expect(announced.status).toBe(503);
    expect(announced.headers.get("retry-after")).toBe("1");
    await sleep(100);
    const early = await get(sb, LIST, bearer);
    expect(early.status).toBe(503);
    expect(sb.stats()).toMatchObject({ holdsAnnounced: 2, requestsDuringHolds: 1 });
    expect(sb.ledger().requestsDuringHolds).toEqual([
      expect.objectContaining({ method: "GET", path: "/crm/v1/dossiers", clientId: "sandbox-client", msAfterAnnouncement: expect.any(Number) }),
    ]);

    // The early request's own 503 announced a hold of 1 s more: after it, a request is on time.
    await sleep(1100);
    expect((await get(sb, LIST, bearer)).status).toBe(200);
    const stats = (await (await fetch(`${controlOf(sb.url)}/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ requestsDuringHolds: 1, webhooksEnabled: true });
    sb.reset();
    expect(sb.stats()).toMatchObject({ holdsAnnounced: 0, requestsDuringHolds: 0, inFlightAtAnnouncement: 0 });
  });

  it("a request already on its way when the hold was announced (within the grace) is not early; a 429's Retry-After holds too", () => {
    const holds = new RetryAfterHolds(50);
    holds.announce("c", 2, 1000);
    holds.arrived("c", "GET", "/crm/v1/dossiers/x", 990);
    holds.arrived("c", "GET", "/crm/v1/dossiers/x", 1040);
    holds.arrived("other", "GET", "/crm/v1/dossiers/x", 1500);
    holds.arrived("c", "GET", "/crm/v1/dossiers/x", 1500);
    holds.arrived("c", "GET", "/crm/v1/dossiers/x", 3000);
    // Announced again during the hold: extended, and known since the first announcement.
    holds.announce("c", 2, 2900);
    holds.arrived("c", "GET", "/crm/v1/dossiers/x", 2920);
    holds.arrived("c", "GET", "/crm/v1/dossiers/x", 4950);
    holds.arrived("c", "GET", "/crm/v1/dossiers/x", 4990);
    expect(holds.counts()).toEqual({ holdsAnnounced: 2, requestsDuringHolds: 2, inFlightAtAnnouncement: 1 });
    expect(holds.list().map((r) => r.msAfterAnnouncement)).toEqual([500, 1920]);
  });
});

describe("webhooks off", () => {
  it("dossiers move through their statuses but no webhook is sent, until they are switched on (PUT /_sandbox/webhooks)", async () => {
    const files = await localServer();
    const receiver = await localServer();
    const sb = await sandbox({ rateLimit: false, processingDelayMs: 10, fetchHttpsAsHttp: true, webhookUrl: `${receiver.origin}/hook`, webhookSecret: SECRET, webhooks: false });
    const bearer = await token(sb);
    const links = { documents: [{ type: "contract", url: `${files.httpsOrigin}/d.pdf` }], photos: [{ url: `${files.httpsOrigin}/p.jpg` }] };
    const created = await post(sb, "/v1/dossiers", validDossier(links), { token: bearer });
    const { id } = (await created.json()) as { id: string };
    await eventually(async () => ((await (await get(sb, `/v1/dossiers/${id}`, bearer)).json()) as { status: string }).status === "accepted" || undefined);
    await sleep(100);
    expect(receiver.received).toEqual([]);
    expect(sb.ledger().webhooks).toEqual([]);

    const switched = await fetch(`${controlOf(sb.url)}/webhooks`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ enabled: true }) });
    expect(await switched.json()).toEqual({ enabled: true });
    await post(sb, "/v1/dossiers", validDossier(links), { token: bearer });
    await eventually(() => (receiver.received.length >= 3 ? true : undefined));
    const refused = await fetch(`${controlOf(sb.url)}/webhooks`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ enabled: "no" }) });
    expect(refused.status).toBe(400);
  });
});

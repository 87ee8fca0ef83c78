// §3.1 asynchronous processing and §4 webhooks: downloads, final status, signed deliveries.
import { Webhook } from "standardwebhooks";
import type { SandboxOptions } from "./server";
import { describe, expect, it } from "vitest";
import { eventually, get, localServer, post, sandbox, SECRET, token, validDossier, type Received } from "./test-support";

interface Event {
  type: string;
  timestamp: string;
  data: { dossierId: string; externalReference: string; status: string; reason: string | null };
}

async function setup(options: { webhookAnswer?: (r: Received) => number | null; faults?: SandboxOptions["faults"] } = {}) {
  const files = await localServer((r) => (r.path.startsWith("/ok/") ? 200 : 404));
  const hooks = await localServer(options.webhookAnswer);
  const sb = await sandbox({
    rateLimit: false,
    processingDelayMs: 20,
    fetchHttpsAsHttp: true,
    webhookUrl: `${hooks.origin}/api/webhooks/symphonics`,
    webhookSecret: SECRET,
    faults: options.faults,
  });
  const bearer = await token(sb);
  const create = async (documents: string[], photos: string[]) => {
    const body = validDossier({
      documents: documents.map((path) => ({ type: "contract", url: `${files.httpsOrigin}${path}` })),
      photos: photos.map((path) => ({ url: `${files.httpsOrigin}${path}` })),
    });
    const response = await post(sb, "/v1/dossiers", body, { token: bearer });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const finalStatus = (id: string) =>
    eventually(async () => {
      const dossier = (await (await get(sb, `/v1/dossiers/${id}`, bearer)).json()) as { status: string; rejectionReason?: string };
      return dossier.status === "accepted" || dossier.status === "rejected" ? dossier : undefined;
    });
  const eventsFor = (id: string) => hooks.received.filter((r) => (JSON.parse(r.body) as Event).data.dossierId === id);
  return { sb, bearer, files, hooks, create, finalStatus, eventsFor };
}

const types = (received: Received[]) => received.map((r) => (JSON.parse(r.body) as Event).type);

describe("processing", () => {
  it("downloads every document and photo (https fetched as http locally), then accepts the dossier", async () => {
    const { create, finalStatus, files } = await setup();
    const id = await create(["/ok/contract.pdf"], ["/ok/p1.jpg", "/ok/p2.jpg"]);
    expect(await finalStatus(id)).toMatchObject({ status: "accepted" });
    expect(files.received.map((r) => r.path).sort()).toEqual(["/ok/contract.pdf", "/ok/p1.jpg", "/ok/p2.jpg"]);
  });

  it("rejects with document_unreachable when a document answers non-2xx", async () => {
    const { create, finalStatus } = await setup();
    const id = await create(["/ok/contract.pdf", "/missing/quote.pdf"], ["/ok/p1.jpg"]);
    expect(await finalStatus(id)).toMatchObject({ status: "rejected", rejectionReason: "document_unreachable" });
  });

  it("rejects with photo_unreachable when a photo cannot be downloaded", async () => {
    const { create, finalStatus } = await setup();
    const id = await create(["/ok/contract.pdf"], ["/ok/p1.jpg", "/missing/p2.jpg"]);
    expect(await finalStatus(id)).toMatchObject({ status: "rejected", rejectionReason: "photo_unreachable" });
  });

  it("rejects with photo_unreachable on a network error", async () => {
    const { sb, bearer, files, finalStatus } = await setup();
    const body = validDossier({
      documents: [{ url: `${files.httpsOrigin}/ok/contract.pdf` }],
      photos: [{ url: "https://127.0.0.1:1/nothing-listens-here.jpg" }],
    });
    const id = ((await (await post(sb, "/v1/dossiers", body, { token: bearer })).json()) as { id: string }).id;
    expect(await finalStatus(id)).toMatchObject({ status: "rejected", rejectionReason: "photo_unreachable" });
  });
});

describe("webhooks", () => {
  it("reports each status change, signed per Standard Webhooks", async () => {
    const { create, finalStatus, eventsFor, sb } = await setup();
    const id = await create(["/ok/contract.pdf"], []);
    await finalStatus(id);
    const received = await eventually(() => (eventsFor(id).length >= 3 ? eventsFor(id) : undefined));
    expect(types(received).sort()).toEqual(["dossier.accepted", "dossier.processing", "dossier.received"]);
    const verifier = new Webhook(SECRET);
    for (const r of received) {
      expect(r.path).toBe("/api/webhooks/symphonics");
      expect(r.headers["webhook-id"]).toMatch(/^msg_/);
      expect(r.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      const headers = {
        "webhook-id": String(r.headers["webhook-id"]),
        "webhook-timestamp": String(r.headers["webhook-timestamp"]),
        "webhook-signature": String(r.headers["webhook-signature"]),
      };
      expect(() => verifier.verify(r.body, headers)).not.toThrow();
      expect(() => verifier.verify(r.body.replace("dossier.", "dossier.x"), headers)).toThrow();
    }
    const accepted = received.map((r) => JSON.parse(r.body) as Event).find((e) => e.type === "dossier.accepted");
    expect(accepted).toEqual({
      type: "dossier.accepted",
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      data: { dossierId: id, externalReference: expect.any(String), status: "accepted", reason: null },
    });
    const ledger = await eventually(() => {
      const hooks = sb.ledger().webhooks.filter((w) => w.dossierId === id);
      return hooks.every((w) => w.delivered) ? hooks : undefined;
    });
    expect(ledger.map((w) => w.attempts)).toEqual([1, 1, 1]);
  });

  it("sets data.reason on dossier.rejected", async () => {
    const { create, eventsFor } = await setup();
    const id = await create(["/missing/contract.pdf"], []);
    const rejected = await eventually(() =>
      eventsFor(id)
        .map((r) => JSON.parse(r.body) as Event)
        .find((e) => e.type === "dossier.rejected"),
    );
    expect(rejected.data).toMatchObject({ status: "rejected", reason: "document_unreachable" });
  });

  it("retries a failed delivery with the same webhook-id", async () => {
    const seen = new Set<string>();
    const { create, eventsFor, sb } = await setup({
      webhookAnswer: (r) => {
        const id = String(r.headers["webhook-id"]);
        if (seen.has(id)) return 204;
        seen.add(id);
        return 500;
      },
    });
    const id = await create(["/ok/contract.pdf"], []);
    const received = await eventually(() => (eventsFor(id).length >= 6 ? eventsFor(id) : undefined));
    const ids = received.map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(3);
    const ledger = await eventually(() => {
      const hooks = sb.ledger().webhooks.filter((w) => w.dossierId === id);
      return hooks.length === 3 && hooks.every((w) => w.delivered) ? hooks : undefined;
    });
    expect(ledger.map((w) => w.attempts)).toEqual([2, 2, 2]);
  });

  it("never holds up API responses, even with a receiver that never answers", async () => {
    const { create } = await setup({ webhookAnswer: () => null });
    const started = Date.now();
    await create(["/ok/contract.pdf"], []);
    await create(["/ok/contract.pdf"], []);
    expect(Date.now() - started).toBeLessThan(3000); // the delivery timeout is 10 s
  });

  it("delivers every webhook twice with webhookDuplicateRate 1", async () => {
    const { create, eventsFor } = await setup({ faults: { webhookDuplicateRate: 1 } });
    const id = await create(["/ok/contract.pdf"], []);
    const received = await eventually(() => (eventsFor(id).length >= 6 ? eventsFor(id) : undefined));
    const counts = new Map<string, number>();
    for (const r of received) counts.set(String(r.headers["webhook-id"]), (counts.get(String(r.headers["webhook-id"])) ?? 0) + 1);
    expect([...counts.values()]).toEqual([2, 2, 2]);
  });

  it("delivers processing after the final status with webhookReorder", async () => {
    const { create, eventsFor } = await setup({ faults: { webhookReorder: true } });
    const id = await create(["/ok/contract.pdf"], []);
    const received = await eventually(() => (eventsFor(id).length >= 3 ? eventsFor(id) : undefined));
    const order = types(received);
    expect(order.indexOf("dossier.accepted")).toBeLessThan(order.indexOf("dossier.processing"));
  });
});

// §2 Idempotency, body limit and malformed bodies.
import { request } from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "./server";
import { get, post, sandbox, token, uniqueKey, validDossier, type ProblemBody } from "./test-support";

let sb: RunningSandbox;
let bearer: string;

beforeAll(async () => {
  sb = await sandbox({ rateLimit: false, processingDelayMs: 60_000 });
  bearer = await token(sb);
});

const dossierCount = () => sb.ledger().dossiers.length;

describe("Idempotency-Key", () => {
  it.each([
    ["missing", null],
    ["empty", ""],
    ["longer than 255 characters", "k".repeat(256)],
    ["containing a space", "two words"],
  ])("answers 400 malformed_request when the key is %s", async (_name, key) => {
    const response = await post(sb, "/v1/dossiers", validDossier(), { token: bearer, key });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ProblemBody).code).toBe("malformed_request");
  });

  it("accepts a 255-character key", async () => {
    expect((await post(sb, "/v1/dossiers", validDossier(), { token: bearer, key: "k".repeat(255) })).status).toBe(201);
  });

  it("replays the stored response unchanged, whatever the key order and white space", async () => {
    const key = uniqueKey();
    const body = validDossier();
    const before = dossierCount();
    const first = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    const firstText = await first.text();
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2);
    const replay = await post(sb, "/v1/dossiers", reordered, { token: bearer, key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("location")).toBe(first.headers.get("location"));
    expect(await replay.text()).toBe(firstText);
    expect(dossierCount()).toBe(before + 1);
  });

  it("answers 422 idempotency_key_reused for the same key with a different body (every URL counts)", async () => {
    const key = uniqueKey();
    const body = validDossier();
    expect((await post(sb, "/v1/dossiers", body, { token: bearer, key })).status).toBe(201);
    const changed = { ...body, photos: [{ url: "https://files.example.fr/p/def?sig=2" }] };
    const response = await post(sb, "/v1/dossiers", changed, { token: bearer, key });
    expect(response.status).toBe(422);
    expect(((await response.json()) as ProblemBody).code).toBe("idempotency_key_reused");
  });

  it("stores 4xx refusals too: a validation failure is replayed", async () => {
    const key = uniqueKey();
    const body = validDossier({ externalReference: "bad ref" });
    const first = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    expect(first.status).toBe(422);
    const replay = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    expect(replay.status).toBe(422);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });

  it("treats a key reused on another endpoint as a different body", async () => {
    const key = uniqueKey();
    expect((await post(sb, "/v1/dossiers", validDossier(), { token: bearer, key })).status).toBe(201);
    const other = await post(sb, "/v1/dossiers/dos_unknown/photos", { photos: [{ url: "https://f.example.fr/1" }] }, { token: bearer, key });
    expect(((await other.json()) as ProblemBody).code).toBe("idempotency_key_reused");
  });

  it("answers 409 idempotency_key_in_use while the first request is still in progress", async () => {
    const key = uniqueKey();
    const body = JSON.stringify(validDossier());
    const slow = request(`${sb.url}/v1/dossiers`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", "Idempotency-Key": key, "Content-Length": Buffer.byteLength(body) },
    });
    const firstResponse = new Promise<number>((resolve, reject) => {
      slow.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      slow.on("error", reject);
    });
    slow.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 300)); // lets the server take up the first request
    const concurrent = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    expect(concurrent.status).toBe(409);
    expect(((await concurrent.json()) as ProblemBody).code).toBe("idempotency_key_in_use");
    slow.end(body.slice(10));
    expect(await firstResponse).toBe(201);
    expect((await post(sb, "/v1/dossiers", body, { token: bearer, key })).headers.get("idempotent-replayed")).toBe("true");
  });

  it("stores nothing for 401 and 429: the same key is processed anew", async () => {
    const key = uniqueKey();
    const body = validDossier();
    expect((await post(sb, "/v1/dossiers", body, { token: "expired", key })).status).toBe(401);
    sb.setRateLimit({ perSecond: 0.01, burst: 1 });
    await get(sb, "/v1/dossiers?externalReference=X", bearer); // empties the bucket
    expect((await post(sb, "/v1/dossiers", body, { token: bearer, key })).status).toBe(429);
    sb.setRateLimit(false);
    const processed = await post(sb, "/v1/dossiers", body, { token: bearer, key });
    expect(processed.status).toBe(201);
    expect(processed.headers.get("idempotent-replayed")).toBeNull();
  });

  it("keeps keys per client", async () => {
    const other = await sandbox({
      rateLimit: false,
      processingDelayMs: 60_000,
      clients: [
        { clientId: "a", clientSecret: "sa" },
        { clientId: "b", clientSecret: "sb" },
      ],
    });
    const tokenFor = async (id: string, secret: string) => {
      const response = await fetch(`${other.url}/oauth/token`, {
        method: "POST",
        headers: { Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials&scope=dossiers:write",
      });
      return ((await response.json()) as { access_token: string }).access_token;
    };
    const key = uniqueKey();
    expect((await post(other, "/v1/dossiers", validDossier(), { token: await tokenFor("a", "sa"), key })).status).toBe(201);
    const b = await post(other, "/v1/dossiers", validDossier(), { token: await tokenFor("b", "sb"), key });
    expect(b.status).toBe(201);
    expect(b.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("bodies", () => {
  const padded = (size: number) => {
    const json = JSON.stringify(validDossier());
    return json + " ".repeat(size - Buffer.byteLength(json));
  };

  it("accepts a body of exactly 1 MiB", async () => {
    expect((await post(sb, "/v1/dossiers", padded(1024 * 1024), { token: bearer })).status).toBe(201);
  });

  it("answers 413 payload_too_large above 1 MiB, announced by Content-Length", async () => {
    const response = await post(sb, "/v1/dossiers", padded(1024 * 1024 + 1), { token: bearer });
    expect(response.status).toBe(413);
    expect(((await response.json()) as ProblemBody).code).toBe("payload_too_large");
  });

  it("answers 413 above 1 MiB when the body is streamed without Content-Length", async () => {
    const bytes = Buffer.from(padded(1024 * 1024 + 10));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
        controller.close();
      },
    });
    const response = await fetch(`${sb.url}/v1/dossiers`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", "Idempotency-Key": uniqueKey() },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it.each([
    ["truncated JSON", '{"externalReference": "X"', "application/json"],
    ["a byte-order mark", `\uFEFF${JSON.stringify(validDossier())}`, "application/json"],
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d]), "application/json"],
    ["a form body", "externalReference=X", "application/x-www-form-urlencoded"],
    ["JSON sent as text/plain", JSON.stringify(validDossier()), "text/plain"],
  ])("answers 400 malformed_request to %s", async (_name, body, contentType) => {
    const response = await fetch(`${sb.url}/v1/dossiers`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": contentType, "Idempotency-Key": uniqueKey() },
      body,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(((await response.json()) as ProblemBody).code).toBe("malformed_request");
  });
});

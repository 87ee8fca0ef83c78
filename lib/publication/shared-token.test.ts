import { Agent } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { symphonicsAccessTokens } from "@/db/schema";
import { createDossierKey } from "@/lib/symphonics/idempotency";
import type { SymphonicsClient } from "@/lib/symphonics/client";
import { attemptLog, clientFor, CREDENTIALS, dossierPayload, sandboxForFile } from "@/lib/symphonics/test-support";
import { databaseTokenStore } from "./shared-token";

const { db } = await useTestDatabase();
const sandbox = await sandboxForFile({ tokenEndpointLimitPerMinute: false });
const agent = new Agent({ keepAliveTimeout: 10_000 });
const clients: SymphonicsClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await agent.close();
});

/** A worker process's client: its own instance, sharing the token through the database. */
function workerClient() {
  const client = clientFor(sandbox.url, agent, { tokenStore: databaseTokenStore(db, CREDENTIALS.clientId, CREDENTIALS.clientSecret) });
  clients.push(client);
  return client;
}

async function publishOne(client: SymphonicsClient) {
  const payload = dossierPayload();
  const { records, options } = attemptLog();
  const outcome = await client.createDossier(payload, createDossierKey(payload.externalReference, payload), options);
  return { outcome, operations: records.map((record) => record.operation) };
}

describe("one Symphonics token for every worker", () => {
  it("five workers starting at once make one token request between them", async () => {
    const before = sandbox.ledger().tokensIssued;
    const workers = Array.from({ length: 5 }, workerClient);
    const results = await Promise.all(workers.map(publishOne));
    expect(results.map((result) => result.outcome.kind)).toEqual(Array(5).fill("success"));
    expect(sandbox.ledger().tokensIssued - before).toBe(1);
    // The worker that fetched it records the token exchange; the others only their call.
    expect(results.filter((result) => result.operations[0] === "token")).toHaveLength(1);
  });

  it("a worker restarted after a crash reuses the token instead of asking for one", async () => {
    await publishOne(workerClient());
    const before = sandbox.ledger().tokensIssued;
    const restarted = workerClient();
    const { outcome, operations } = await publishOne(restarted);
    expect(outcome.kind).toBe("success");
    expect(operations).toEqual(["create_dossier"]);
    expect(sandbox.ledger().tokensIssued - before).toBe(0);
  });

  it("a revoked token: every worker gets the one new token, fetched once", async () => {
    const workers = Array.from({ length: 3 }, workerClient);
    await Promise.all(workers.map(publishOne));
    sandbox.revokeAllTokens();
    const before = sandbox.ledger().tokensIssued;
    const results = await Promise.all(workers.map(publishOne));
    expect(results.map((result) => result.outcome.kind)).toEqual(Array(3).fill("success"));
    expect(sandbox.ledger().tokensIssued - before).toBe(1);
  });

  it("keeps the token sealed at rest, unreadable under another client secret", async () => {
    await publishOne(workerClient());
    const [row] = await db.select().from(symphonicsAccessTokens);
    const { token } = (await databaseTokenStore(db, CREDENTIALS.clientId, CREDENTIALS.clientSecret).read())!;
    expect(row!.tokenCiphertext).not.toContain(token);
    expect(await databaseTokenStore(db, CREDENTIALS.clientId, "another-secret").read()).toBeNull();
  });
});

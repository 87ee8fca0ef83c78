// §1: the token endpoint, its errors and limit; bearer tokens on /v1 (expiry, revocation, scope).
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "./server";
import { BASIC, get, post, requestToken, sandbox, token, validDossier, type ProblemBody } from "./test-support";

const FORM = "grant_type=client_credentials&scope=dossiers:write%20dossiers:read";

describe("POST /oauth/token", () => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await sandbox({ tokenEndpointLimitPerMinute: false });
  });

  it("issues a bearer token for client credentials", async () => {
    const response = await requestToken(sb);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 900, scope: "dossiers:write dossiers:read" });
  });

  it("accepts + as the form encoding of the space between scopes", async () => {
    const response = await requestToken(sb, "grant_type=client_credentials&scope=dossiers:read+dossiers:write");
    expect(((await response.json()) as { scope: string }).scope).toBe("dossiers:write dossiers:read");
  });

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  it.each([
    ["a wrong secret", basic("sandbox-client", "wrong")],
    ["an unknown client", basic("someone", "sandbox-secret")],
    ["no Authorization header", ""],
    ["a Bearer header", "Bearer abc"],
    ["Basic without a colon", `Basic ${Buffer.from("sandbox-client").toString("base64")}`],
  ])("answers 401 invalid_client for %s", async (_name, authorization) => {
    const response = await requestToken(sb, FORM, authorization);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "invalid_client" });
  });

  it.each([
    ["no grant_type", "scope=dossiers:read", "invalid_request"],
    ["no scope", "grant_type=client_credentials", "invalid_request"],
    ["a repeated parameter", `${FORM}&grant_type=client_credentials`, "invalid_request"],
    ["the secret in the body", `${FORM}&client_secret=sandbox-secret`, "invalid_request"],
    ["another grant type", "grant_type=password&scope=dossiers:read", "unsupported_grant_type"],
    ["an unknown scope", "grant_type=client_credentials&scope=dossiers:delete", "invalid_scope"],
    ["a repeated scope", "grant_type=client_credentials&scope=dossiers:read%20dossiers:read", "invalid_scope"],
  ])("answers 400 for %s", async (_name, form, error) => {
    const response = await requestToken(sb, form);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error });
  });

  it("answers 400 invalid_request to a JSON body", async () => {
    const response = await fetch(`${sb.url}/oauth/token`, {
      method: "POST",
      headers: { Authorization: BASIC, "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", scope: "dossiers:read" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_request" });
  });
});

describe("token endpoint limit", () => {
  it("allows 10 requests per minute per client, then answers 429 slow_down with Retry-After", async () => {
    const sb = await sandbox();
    for (let i = 0; i < 10; i++) expect((await requestToken(sb)).status).toBe(200);
    const refused = await requestToken(sb);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: "slow_down" });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(sb.ledger().tokensIssued).toBe(10);
  });
});

describe("bearer tokens on /v1", () => {
  const expectInvalidToken = async (response: Response) => {
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(((await response.json()) as ProblemBody).code).toBe("invalid_token");
  };

  it.each([
    ["no token", {}],
    ["an unknown token", { Authorization: "Bearer not-a-token" }],
    ["a Basic header", { Authorization: BASIC }],
  ])("answers 401 invalid_token with %s", async (_name, headers) => {
    const sb = await sandbox();
    await expectInvalidToken(await fetch(`${sb.url}/v1/dossiers?externalReference=X`, { headers }));
  });

  it("answers 401 invalid_token once the token expired", async () => {
    const sb = await sandbox({ tokenLifetimeSeconds: 2 });
    const response = await requestToken(sb);
    const { access_token, expires_in } = (await response.json()) as { access_token: string; expires_in: number };
    expect(expires_in).toBe(2);
    expect((await get(sb, "/v1/dossiers?externalReference=X", access_token)).status).toBe(200);
    await sleep(2100);
    await expectInvalidToken(await get(sb, "/v1/dossiers?externalReference=X", access_token));
  });

  it("answers 401 invalid_token after revocation (API and control endpoint), and a new token works", async () => {
    const sb = await sandbox();
    const first = await token(sb);
    sb.revokeAllTokens();
    await expectInvalidToken(await get(sb, "/v1/dossiers?externalReference=X", first));
    const second = await token(sb);
    expect((await get(sb, "/v1/dossiers?externalReference=X", second)).status).toBe(200);
    const revoked = await fetch(`${sb.url.replace(/\/crm$/, "")}/_sandbox/revoke-tokens`, { method: "POST" });
    expect(await revoked.json()).toEqual({ revoked: 1 });
    await expectInvalidToken(await post(sb, "/v1/dossiers", validDossier(), { token: second }));
  });

  it("answers 403 forbidden when the token lacks the scope", async () => {
    const sb = await sandbox({ processingDelayMs: 60_000 });
    const readOnly = await token(sb, "dossiers:read");
    const writeOnly = await token(sb, "dossiers:write");
    const refusedPost = await post(sb, "/v1/dossiers", validDossier(), { token: readOnly });
    expect(refusedPost.status).toBe(403);
    expect(((await refusedPost.json()) as ProblemBody).code).toBe("forbidden");
    const refusedGet = await get(sb, "/v1/dossiers?externalReference=X", writeOnly);
    expect(refusedGet.status).toBe(403);
    expect((await post(sb, "/v1/dossiers", validDossier(), { token: writeOnly })).status).toBe(201);
  });
});

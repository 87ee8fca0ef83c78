// §2 Rate limits: per-client token bucket, RateLimit-* headers, 429 with Retry-After.
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, fetch as undiciFetch } from "undici";
import { describe, expect, it } from "vitest";
import { get, sandbox, token, type ProblemBody } from "./test-support";

const LIST = "/v1/dossiers?externalReference=NONE";

describe("per-client token bucket", () => {
  it("announces the default 20/s, burst 40 bucket on every /v1 response", async () => {
    const sb = await sandbox();
    const bearer = await token(sb);
    const response = await get(sb, LIST, bearer);
    expect(response.headers.get("ratelimit-limit")).toBe("20");
    expect(response.headers.get("ratelimit-remaining")).toBe("39");
    expect(response.headers.get("ratelimit-reset")).toBe("1");
    const unauthenticated = await get(sb, LIST, "unknown");
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("ratelimit-limit")).toBe("20");
    const notFound = await get(sb, "/v1/nothing", bearer);
    expect(notFound.status).toBe(404);
    // 38, unless the bucket refilled (20/s) in between on a slow machine.
    expect(["38", "39"]).toContain(notFound.headers.get("ratelimit-remaining"));
  });

  it("allows a burst, then answers 429 rate_limited with an integer Retry-After ≥ 1", async () => {
    // A slow refill keeps the sequence exact however slow the machine is.
    const sb = await sandbox({ rateLimit: { perSecond: 0.2, burst: 5 } });
    const bearer = await token(sb);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await get(sb, LIST, bearer);
      expect(response.status).toBe(200);
      remaining.push(response.headers.get("ratelimit-remaining"));
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);
    const refused = await get(sb, LIST, bearer);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ProblemBody).code).toBe("rate_limited");
    const retryAfter = refused.headers.get("retry-after") ?? "";
    expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(refused.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(25);
  });

  it("keeps a client that ignores Retry-After throttled; one that waits gets through", async () => {
    const sb = await sandbox({ rateLimit: { perSecond: 1, burst: 1 } });
    const bearer = await token(sb);
    expect((await get(sb, LIST, bearer)).status).toBe(200);
    let refused: Response | undefined;
    for (let i = 0; i < 4; i++) {
      refused = await get(sb, LIST, bearer);
      expect(refused.status).toBe(429);
    }
    await sleep(Number(refused?.headers.get("retry-after")) * 1000);
    expect((await get(sb, LIST, bearer)).status).toBe(200);
  });

  it("is shared by every token and connection of the same client", async () => {
    const sb = await sandbox({ rateLimit: { perSecond: 0.2, burst: 4 } });
    const agents = [new Agent(), new Agent()];
    const tokens = [await token(sb), await token(sb)];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await undiciFetch(`${sb.url}${LIST}`, {
        headers: { Authorization: `Bearer ${tokens[i % 2]}` },
        dispatcher: agents[i % 2],
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    await Promise.all(agents.map((a) => a.close()));
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it("can be lifted and set at run time, directly or over HTTP", async () => {
    const sb = await sandbox({ rateLimit: { perSecond: 0.1, burst: 1 } });
    const bearer = await token(sb);
    sb.setRateLimit(false);
    const statuses = await Promise.all(Array.from({ length: 60 }, () => get(sb, LIST, bearer).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
    const control = `${sb.url.replace(/\/crm$/, "")}/_sandbox/rate-limit`;
    const set = await fetch(control, { method: "PUT", body: JSON.stringify({ perSecond: 0.1, burst: 1 }) });
    expect(await set.json()).toEqual({ enabled: true, perSecond: 0.1, burst: 1 });
    expect((await get(sb, LIST, bearer)).status).toBe(200);
    expect((await get(sb, LIST, bearer)).status).toBe(429);
    expect((await fetch(control, { method: "PUT", body: JSON.stringify({ perSecond: -1, burst: 1 }) })).status).toBe(400);
    await fetch(control, { method: "PUT", body: JSON.stringify({ enabled: false }) });
    expect((await get(sb, LIST, bearer)).status).toBe(200);
  });
});

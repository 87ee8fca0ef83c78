import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { captureLogs } from "@/lib/observability/test-support";
import { answerUnroutableMethodsFirst } from "./unroutable-methods";

const logs = captureLogs();
answerUnroutableMethodsFirst();
// Stands for Next.js: whatever reaches it answers 200.
const server = http.createServer((_, response) => response.end("next"));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as AddressInfo;
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function send(method: string, path: string): Promise<{ status: number; allow?: string; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, method, path }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode!, allow: response.headers.allow, type: response.headers["content-type"], body }));
    });
    request.on("error", reject);
    request.end();
  });
}

describe("methods no route module can receive", () => {
  it("TRACE and the other methods Node.js parses but Next.js does not route answer 405 with the route's Allow, before Next.js; the seven others go on", async () => {
    for (const [method, path, allow] of [
      ["TRACE", "/api/health/live", "GET, HEAD, OPTIONS"],
      ["SEARCH", "/api/interventions/INT-1", "GET, HEAD, OPTIONS, PATCH, PUT"],
      ["PROPFIND", "/files/documents/a.pdf?signature=x", "GET, HEAD, OPTIONS"],
      ["TRACE", "/overview", "GET, HEAD"],
    ] as const) {
      logs.clear();
      const answer = await send(method, path);
      expect(answer, `${method} ${path}`).toMatchObject({ status: 405, allow, type: "application/problem+json" });
      expect(JSON.parse(answer.body)).toMatchObject({ code: "method_not_allowed" });
      expect(logs.lines().at(-1)).toMatchObject({ message: "request", status: 405, method });
      expect(logs.text()).not.toContain("signature=x");
    }
    expect(await send("GET", "/api/health/live")).toMatchObject({ status: 200, body: "next" });
    expect(await send("DELETE", "/api/health/live")).toMatchObject({ status: 200, body: "next" });
  });
});

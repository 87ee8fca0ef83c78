import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AppError } from "@/lib/errors";
import { problemResponse } from "@/lib/http/problem";
import { logger } from "./logger";
import { checkMetricsAccess } from "./metrics-access";
import { metrics } from "./metrics";

/**
 * The worker's Prometheus endpoint (GET /metrics on its own port): the worker has no web server,
 * and its counters (publication runs, Symphonics answers, rate-limit waits) live in its process.
 */
export async function startMetricsServer(options: { port: number; host?: string; token?: string }): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
        res.writeHead(404, { "content-type": "text/plain" }).end("GET /metrics\n");
        return;
      }
      try {
        checkMetricsAccess(req.headers.authorization ?? null, options.token);
        const registry = metrics().registry;
        const body = await registry.metrics();
        res.writeHead(200, { "content-type": registry.contentType }).end(body);
      } catch (error) {
        const response = error instanceof AppError ? problemResponse(error, "/metrics") : null;
        if (!response) logger().error({ err: error }, "metrics scrape failed");
        res.writeHead(response?.status ?? 500, Object.fromEntries(response?.headers ?? [])).end(response ? await response.text() : "");
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host ?? "127.0.0.1"}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

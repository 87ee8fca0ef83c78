import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import { operations, type Operation } from "@/lib/openapi/operations";
import { problemResponse } from "./problem";
import { allowedMethods, HTTP_METHODS, methodNotAllowed, UNKNOWN_ROUTE } from "./route";
import { matchRoute } from "./route-patterns";

/** What a page answers (it is not a route module). */
const PAGE_METHODS = ["GET", "HEAD"];

/** The methods a path answers: its route's, as documented (every route is, see openapi.test.ts), or a page's. */
function allowFor(path: string): { route: string; allow: string[] } {
  const match = matchRoute(path);
  if (!match) return { route: UNKNOWN_ROUTE, allow: PAGE_METHODS };
  const implemented = (Object.values(operations) as Operation[]).filter((o) => o.route === match.pattern).map((o) => o.method.toUpperCase());
  return { route: match.pattern, allow: allowedMethods([...new Set(implemented)]) };
}

/** The 405 problem for a method no route module can receive, written on the raw Node.js response. */
export async function answerUnroutableMethod(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = request.method ?? "";
  const path = (request.url ?? "/").split("?")[0]!;
  const { route, allow } = allowFor(path);
  const problem = problemResponse(methodNotAllowed(method.slice(0, 20), allow), path);
  response.writeHead(problem.status, { ...Object.fromEntries(problem.headers), allow: allow.join(", ") });
  response.end(await problem.text());
  metrics().httpRequests.inc({ method: "other", route, status: String(problem.status) });
  logger().info({ method: method.slice(0, 20), path: path.slice(0, 200), status: problem.status, durationMs: Math.round(performance.now() - started) }, "request");
}

const isRoutable = (method: string | undefined) => (HTTP_METHODS as readonly string[]).includes(method ?? "");

/**
 * Next.js builds a fetch Request for every request a route or the proxy receives, and fetch
 * refuses TRACE (and CONNECT, TRACK) outright (a bare 500, before any code of ours runs); any
 * other method outside its seven it answers with an empty 400. Such requests are answered here,
 * before Next.js sees them: 405 with the Allow header of the route. Installed once per process by
 * instrumentation.ts, on the server's `request` event.
 */
export function answerUnroutableMethodsFirst(): void {
  const emit = http.Server.prototype.emit;
  if ((emit as { unroutable?: true }).unroutable) return;
  const guarded = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request" && !isRoutable((args[0] as IncomingMessage).method)) {
      void answerUnroutableMethod(args[0] as IncomingMessage, args[1] as ServerResponse);
      return true;
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  };
  http.Server.prototype.emit = Object.assign(guarded, { unroutable: true as const }) as typeof emit;
}

import { correlationIdFrom, withCorrelationId } from "@/lib/observability/correlation";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import { Problem } from "./problem";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * The route label of a path for metrics: segments holding a digit (references, ids) become
 * `{id}`, so the label set stays small whatever the number of interventions.
 */
export function routeLabel(pathname: string): string {
  return pathname
    .split("/")
    .map((segment) => (/\d/.test(segment) ? "{id}" : segment))
    .join("/");
}

/**
 * Wraps a route handler: a Problem becomes its problem+json answer; anything else is a bug,
 * logged and answered with a generic 500 that reveals nothing. Each request runs under a
 * correlation id (the caller's X-Correlation-Id, or a new one), echoed in the answer and written
 * on every log line of the request, which ends with one line describing the request.
 */
export function route<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    const correlationId = correlationIdFrom(request.headers);
    return withCorrelationId(correlationId, async () => {
      const started = performance.now();
      // Only the path: query strings can hold signatures and tokens.
      const path = new URL(request.url).pathname;
      let response: Response;
      try {
        response = await handler(request, context);
      } catch (error) {
        if (error instanceof Problem) response = error.toResponse(path);
        else {
          logger().error({ err: error, method: request.method, path }, "request failed with an unexpected error");
          response = new Problem({ status: 500, title: "Internal error", code: "internal_error", detail: "An unexpected error occurred; it has been logged." }).toResponse();
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const labels = { method: request.method, route: routeLabel(path) };
      metrics().httpRequests.inc({ ...labels, status: String(response.status) });
      metrics().httpDuration.observe(labels, seconds);
      logger().info({ method: request.method, path, status: response.status, durationMs: Math.round(seconds * 1000) }, "request");
      // A Response's headers may be immutable (Response.json, redirects): set it on a copy when so.
      try {
        response.headers.set("x-correlation-id", correlationId);
        return response;
      } catch {
        const headers = new Headers(response.headers);
        headers.set("x-correlation-id", correlationId);
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
      }
    });
  };
}

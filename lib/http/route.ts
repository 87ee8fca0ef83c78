import type { z } from "zod";
import type { StaffRole } from "@/db/schema";
import { requireRole } from "@/lib/auth/authenticate";
import type { Principal } from "@/lib/auth/roles";
import { AppError, fieldPath, validationFailed, zodProblems } from "@/lib/errors";
import { correlationIdFrom, withCorrelationId } from "@/lib/observability/correlation";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import { internalErrorResponse, problemResponse } from "./problem";
import { readJsonBody } from "./request";

/** Who may call: at least this staff role (API token or session), or anyone (the route then has its own protection). */
type Access = StaffRole | "public";

type ParameterSchema = z.ZodType<unknown, Record<string, unknown>>;

/** What a route accepts; `route()` checks it before the handler runs. */
export interface RouteDefinition {
  access: Access;
  /** The path's dynamic segments. */
  params?: ParameterSchema;
  /** The query string, each parameter once; an empty value counts as absent. */
  query?: ParameterSchema;
  /** Request headers, by name; a malformed one makes the request malformed (400). */
  headers?: z.ZodObject;
  /** A JSON body (application/json), read up to `bodyLimitBytes`. */
  body?: z.ZodType;
  bodyLimitBytes?: number;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<D extends RouteDefinition> {
  request: Request;
  principal: D["access"] extends StaffRole ? Principal : null;
  params: Parsed<D["params"]>;
  query: Parsed<D["query"]>;
  headers: Parsed<D["headers"]>;
  body: Parsed<D["body"]>;
}

/** What Next.js calls: the request and the path's dynamic segments. */
export type RouteHandler = (request: Request, context?: { params?: Promise<Record<string, string | string[]>> }) => Promise<Response>;

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

/** A JSON body checked against its schema: 422 `validation_failed` naming each field as the caller wrote it. */
export function validBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationFailed(zodProblems(parsed.error));
  return parsed.data;
}

/** Path and query parameters are named by the parameter alone: `publication`, not `publication[1]`. */
function validParameters<S extends z.ZodType>(schema: S, value: unknown, whole: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationFailed(parsed.error.issues.map((issue) => ({ field: fieldPath(issue.path.slice(0, 1)) || whole, message: issue.message })));
  return parsed.data;
}

function validHeaders<S extends z.ZodObject>(schema: S, headers: Headers): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(Object.keys(schema.shape).map((name) => [name, headers.get(name) ?? undefined])));
  if (!parsed.success) throw new AppError("malformed_request", parsed.error.issues[0]!.message);
  return parsed.data;
}

async function parseInput<D extends RouteDefinition>(definition: D, request: Request, params: Record<string, string | string[]>): Promise<RouteInput<D>> {
  const principal = definition.access === "public" ? null : await requireRole(request, definition.access);
  const search = new URL(request.url).searchParams;
  const query = definition.query && validParameters(definition.query, Object.fromEntries([...search.keys()].map((key) => [key, search.get(key) || undefined])), "(query)");
  const pathParams = definition.params && validParameters(definition.params, params, "(path)");
  const headers = definition.headers && validHeaders(definition.headers, request.headers);
  const body = definition.body && validBody(definition.body, await readJsonBody(request, definition.bodyLimitBytes));
  return { request, principal, params: pathParams, query, headers, body } as RouteInput<D>;
}

/**
 * Wraps a route handler: checks the caller's role, then parses the path, query and body with the
 * definition's schemas, so the handler gets typed, valid values. An AppError becomes its
 * problem+json answer; anything else is a bug, logged and answered with a generic 500 that
 * reveals nothing. Each request runs under a correlation id (the caller's X-Correlation-Id, or a
 * new one), echoed in the answer and written on every log line of the request, which ends with
 * one line describing the request.
 */
export function route<const D extends RouteDefinition>(definition: D, handler: (input: RouteInput<D>) => Promise<Response>): RouteHandler {
  return async (request, context) => {
    const correlationId = correlationIdFrom(request.headers);
    return withCorrelationId(correlationId, async () => {
      const started = performance.now();
      // Only the path: query strings can hold signatures and tokens.
      const path = new URL(request.url).pathname;
      let response: Response;
      try {
        response = await handler(await parseInput(definition, request, (await context?.params) ?? {}));
      } catch (error) {
        if (error instanceof AppError) response = problemResponse(error, path);
        else {
          logger().error({ err: error, method: request.method, path }, "request failed with an unexpected error");
          response = internalErrorResponse();
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

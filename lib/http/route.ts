import type { z } from "zod";
import type { StaffRole } from "@/db/schema";
import { requireRole } from "@/lib/auth/authenticate";
import type { Principal } from "@/lib/auth/roles";
import { AppError, fieldPath, validationFailed, zodProblems } from "@/lib/errors";
import { answerLocale, type Locale } from "@/lib/i18n/locales";
import { correlationIdFrom, withCorrelationId } from "@/lib/observability/correlation";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from "@/lib/values";
import { internalErrorResponse, problemResponse } from "./problem";
import { readJsonBody } from "./request";
import { matchRoute, undecodableSegment, type RoutePattern } from "./route-patterns";

/** Who may call: at least this staff role (API token or session), or anyone (the route then has its own protection). */
type Access = StaffRole | "public";

type ParameterSchema = z.ZodType<unknown, Record<string, unknown>>;

/** What a route accepts; `route()` checks it before the handler runs. */
export interface RouteDefinition {
  /** The route as Next.js spells it on disk (app/<route>/route.ts): its label in logs' metrics. */
  route: RoutePattern;
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
  /** The answer's language (Accept-Language: fr or en; English otherwise). */
  locale: Locale;
}

/** What Next.js calls: the request and the path's dynamic segments. */
export type RouteHandler = (request: Request, context?: { params?: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/** A handler built by `route()`, which remembers what it was built from. */
export type DefinedRouteHandler = RouteHandler & { definition: RouteDefinition };

/** A JSON body checked against its schema: 422 `validation_failed` naming each field as the caller wrote it. */
export function validBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  refuseUnstorableText(jsonStrings(value));
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

/**
 * A path segment that is not percent-encoded UTF-8 (`%FF`, `%C0%AE`) is a malformed request,
 * named by the parameter it would fill. (In the running product Next.js cannot decode it and
 * proxy.ts answers before any route; this covers a handler reached directly.)
 */
export function refuseUndecodablePath(pathname: string): void {
  const segment = undecodableSegment(pathname);
  if (segment === null) return;
  const parameter = matchRoute(pathname)?.parameterOf(segment) ?? "(path)";
  throw new AppError("malformed_request", { key: "badPercentEncoding", values: { parameter } }, {
    errors: [{ field: parameter, message: "is not valid percent-encoded UTF-8" }],
  });
}

/** A string of a request, and how to name the field holding it (named only when refused). */
type RequestString = [field: () => string, text: string];

/** Every string of the path and query parameters (names and values). */
function* parameterStrings(params: Record<string, string | string[]>, search: URLSearchParams): Generator<RequestString> {
  for (const [name, value] of Object.entries(params)) for (const text of [value].flat()) yield [() => name, text];
  for (const [name, value] of search) yield* [[() => name, name], [() => name, value]] as RequestString[];
}

/** A place in a JSON value, as a chain up to the root: building it costs the same at any depth. */
type JsonPlace = { parent: JsonPlace; key: PropertyKey } | null;
const fieldOf = (place: JsonPlace): string => {
  const path: PropertyKey[] = [];
  for (let at = place; at; at = at.parent) path.push(at.key);
  const field = fieldPath(path.reverse()) || "(body)";
  // A name is for a person to find the field; a thousand levels down, its start says where.
  return field.length > 200 ? `${field.slice(0, 200)}…` : field;
};

/** Every key and string of a JSON value, walked without recursion so that a deeply nested body costs no stack. */
function* jsonStrings(body: unknown): Generator<RequestString> {
  const pending: [unknown, JsonPlace][] = [[body, null]];
  while (pending.length) {
    const [value, place] = pending.pop()!;
    if (typeof value === "string") yield [() => fieldOf(place), value];
    else if (Array.isArray(value)) value.forEach((item, index) => pending.push([item, { parent: place, key: index }]));
    else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        const at = { parent: place, key };
        yield [() => fieldOf(at), key];
        pending.push([item, at]);
      }
    }
  }
}

/** Enough refused fields to correct a request, however many it holds. */
const MAX_NAMED_PROBLEMS = 20;

/** NUL characters and unpaired surrogates are refused in every string of every request, whatever its schema (PostgreSQL cannot hold them). */
function refuseUnstorableText(strings: Iterable<RequestString>): void {
  const fields = new Set<string>();
  for (const [field, text] of strings) {
    if (!isStorableText(text)) fields.add(field());
    if (fields.size >= MAX_NAMED_PROBLEMS) break;
  }
  if (fields.size) throw validationFailed([...fields].map((field) => ({ field, message: UNSTORABLE_TEXT_MESSAGE })));
}

async function parseInput<D extends RouteDefinition>(definition: D, request: Request, params: Record<string, string | string[]>): Promise<RouteInput<D>> {
  const url = new URL(request.url);
  refuseUndecodablePath(url.pathname);
  const principal = definition.access === "public" ? null : await requireRole(request, definition.access);
  const search = url.searchParams;
  refuseUnstorableText(parameterStrings(params, search));
  const query = definition.query && validParameters(definition.query, Object.fromEntries([...search.keys()].map((key) => [key, search.get(key) || undefined])), "(query)");
  const pathParams = definition.params && validParameters(definition.params, params, "(path)");
  const headers = definition.headers && validHeaders(definition.headers, request.headers);
  const body = definition.body && validBody(definition.body, await readJsonBody(request, definition.bodyLimitBytes));
  return { request, principal, params: pathParams, query, headers, body, locale: answerLocale(request) } as RouteInput<D>;
}

/** The one label of requests that reach no route. */
export const UNKNOWN_ROUTE = "(unknown)";

/**
 * Answers one request of a route: under a correlation id (the caller's X-Correlation-Id, or a new
 * one), echoed in the answer and written on every log line of the request, which ends with one
 * line describing it. An AppError becomes its problem+json answer; anything else is a bug, logged
 * and answered with a generic 500 that reveals nothing. Metrics are labelled by the route's
 * pattern, never by the path asked for, so no request adds a label.
 */
function serve(pattern: RoutePattern | typeof UNKNOWN_ROUTE, request: Request, work: () => Promise<Response>): Promise<Response> {
  const correlationId = correlationIdFrom(request.headers);
  return withCorrelationId(correlationId, async () => {
    const started = performance.now();
    // Only the path: query strings can hold signatures and tokens.
    const path = new URL(request.url).pathname;
    let response: Response;
    try {
      response = await work();
    } catch (error) {
      if (error instanceof AppError) response = problemResponse(error, path, answerLocale(request));
      else {
        logger().error({ err: error, method: request.method, path }, "request failed with an unexpected error");
        response = internalErrorResponse(answerLocale(request));
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const labels = { method: request.method, route: pattern };
    metrics().httpRequests.inc({ ...labels, status: String(response.status) });
    metrics().httpDuration.observe(labels, seconds);
    logger().info({ method: request.method, path, status: response.status, durationMs: Math.round(seconds * 1000) }, "request");
    return withHeaders(response, { "x-correlation-id": correlationId });
  });
}

/** A Response's headers may be immutable (Response.json, redirects): set them on a copy when so. */
function withHeaders(response: Response, values: Record<string, string>): Response {
  try {
    for (const [name, value] of Object.entries(values)) response.headers.set(name, value);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(values)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/**
 * Wraps a route handler: checks the caller's role, then parses the path, query and body with the
 * definition's schemas, so the handler gets typed, valid values (see `serve` for the rest).
 */
export function route<const D extends RouteDefinition>(definition: D, handler: (input: RouteInput<D>) => Promise<Response>): DefinedRouteHandler {
  const answer: RouteHandler = (request, context) =>
    serve(definition.route, request, async () => handler(await parseInput(definition, request, (await context?.params) ?? {})));
  return Object.assign(answer, { definition });
}

/**
 * A path Next.js cannot decode into parameters never reaches a route (Next answers a bare 500
 * and logs nothing): proxy.ts calls this first and answers the 400 problem, logged and measured
 * like any request; null when the path decodes.
 */
export function refuseUndecodableRequest(request: Request): Promise<Response> | null {
  const { pathname } = new URL(request.url);
  if (undecodableSegment(pathname) === null) return null;
  return serve(matchRoute(pathname)?.pattern ?? UNKNOWN_ROUTE, request, async () => refuseUndecodablePath(pathname) as never);
}

/** The methods Next.js lets a route module answer; any other never reaches one (see proxy.ts). */
export const HTTP_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
type ImplementedMethod = Exclude<HttpMethod, "HEAD" | "OPTIONS">;

/** The methods a route answers, as its Allow header lists them. */
export function allowedMethods(implemented: readonly string[]): string[] {
  return [...new Set([...implemented, ...(implemented.includes("GET") ? ["HEAD"] : []), "OPTIONS"])].sort();
}

/** 405 for a method the route does not have, naming those it has. */
export function methodNotAllowed(method: string, allow: readonly string[]): AppError {
  return new AppError("method_not_allowed", { key: "methodNotAllowed", values: { method, allow: allow.join(", ") } }, { extra: { allow } });
}

/**
 * Every method of a route module, from the handlers it implements: HEAD answers as GET, OPTIONS
 * lists the methods in `Allow`, and any other method is a 405 problem naming them in `Allow`,
 * logged and measured like every request. Exported whole from the route.ts:
 * `export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ GET: route(…) })`.
 */
export function methods(implemented: Partial<Record<ImplementedMethod, DefinedRouteHandler>>): Record<HttpMethod, RouteHandler> {
  const handlers = Object.entries(implemented) as [ImplementedMethod, DefinedRouteHandler][];
  const patterns = new Set(handlers.map(([, handler]) => handler.definition.route));
  if (patterns.size !== 1) throw new Error(`one route module answers one route, not ${[...patterns].join(", ") || "none"}`);
  const pattern = handlers[0]![1].definition.route;
  const allow = allowedMethods(handlers.map(([method]) => method));
  const refuse: RouteHandler = (request) =>
    serve(pattern, request, async () => withHeaders(problemResponse(methodNotAllowed(request.method, allow), new URL(request.url).pathname, answerLocale(request)), { allow: allow.join(", ") }));
  const options: RouteHandler = (request) => serve(pattern, request, async () => new Response(null, { status: 204, headers: { allow: allow.join(", ") } }));
  const all = Object.fromEntries(HTTP_METHODS.map((method) => [method, implemented[method as ImplementedMethod] ?? refuse])) as Record<HttpMethod, RouteHandler>;
  return { ...all, HEAD: implemented.GET ?? refuse, OPTIONS: options };
}

// The /v1 endpoints (§2, §3), in the order a request meets them: fault injection, bearer token,
// rate limit, routing and scope, Idempotency-Key and body, then the dossier operations.
import type { IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Grant, Scope, TokenStore } from "./auth";
import { addPhotoUrls, dossierView, newPhotoUrls, type DossierStore } from "./dossiers";
import type { FaultSettings } from "./faults";
import { injectedError, refusedFieldErrors } from "./faults";
import type { Body, Outcome, Reply } from "./http";
import { json, mediaType, parseJson, problem, readBody, validationProblem } from "./http";
import type { RetryAfterHolds } from "./holds";
import { fingerprint, IDEMPOTENCY_KEY, type IdempotencyStore } from "./idempotency";
import type { Processor } from "./processing";
import type { ClientRateLimiter } from "./rate-limit";
import type { FieldError } from "./validation";
import { EXTERNAL_REFERENCE, MAX_PHOTOS_PER_DOSSIER, validateAddPhotos, validateCreateDossier } from "./validation";

export interface ApiDeps {
  tokens: TokenStore;
  limiter: ClientRateLimiter;
  idempotency: IdempotencyStore;
  dossiers: DossierStore;
  processor: Processor;
  faults: () => FaultSettings;
  /** End of a maintenance window (epoch ms), 0 when none: every /v1 request gets 503 until then. */
  maintenanceUntil: () => number;
  random: () => number;
  /** Retry-After holds announced, to record requests that arrive during one. */
  holds: RetryAfterHolds;
}

/** Filled in while handling, for the ledger's request log. */
export interface RequestFacts {
  clientId: string | null;
  idempotencyKey: string | null;
  /** When the request arrived (epoch ms). */
  arrivedAt: number;
}

type Handler = (grant: Grant, facts: RequestFacts) => Reply | Promise<Outcome>;

const withHeaders = (reply: Reply, headers: Record<string, string>): Reply => ({
  ...reply,
  headers: { ...reply.headers, ...headers },
});

export class DossierApi {
  constructor(private readonly deps: ApiDeps) {}

  /** `path` is relative to /crm/v1/, e.g. "dossiers/dos_1/photos"; `query` has no leading "?". */
  async handle(req: IncomingMessage, path: string, query: string, facts: RequestFacts): Promise<Outcome> {
    const { deps } = this;
    const faults = deps.faults();
    if (deps.random() < faults.resetRate) return { lost: "reset" };
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);

    const grant = deps.tokens.authenticate(req.headers.authorization);
    if (!grant) {
      const reply = problem(401, "invalid_token", "The access token is missing, unknown, expired or revoked", {
        headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
      });
      return withHeaders(reply, deps.limiter.uncharged());
    }
    facts.clientId = grant.clientId;
    deps.holds.arrived(grant.clientId, req.method ?? "", `/crm/v1/${path}`, facts.arrivedAt);
    const limit = deps.limiter.take(grant.clientId);
    if (!limit.allowed) {
      const reply = problem(429, "rate_limited", "Too many requests for this client", {
        headers: { "Retry-After": String(limit.retryAfterSeconds) },
      });
      return withHeaders(reply, limit.headers);
    }
    const maintenanceMs = deps.maintenanceUntil() - Date.now();
    if (maintenanceMs > 0) {
      // Retry-After is whole seconds, rounded up: a client that honours it arrives after the window.
      const reply = problem(503, "maintenance", "The API is in maintenance", { headers: { "Retry-After": String(Math.ceil(maintenanceMs / 1000)) } });
      return withHeaders(reply, limit.headers);
    }
    if (deps.random() < faults.errorRate) return withHeaders(injectedError(deps.random), limit.headers);

    const outcome = await this.route(req, path, query)(grant, facts);
    return "lost" in outcome ? outcome : withHeaders(outcome, limit.headers);
  }

  private route(req: IncomingMessage, path: string, query: string): Handler {
    const segments = path.split("/");
    const [collection, id, sub] = segments;
    const notFound: Handler = () => problem(404, "not_found", "No such resource");
    if (collection !== "dossiers" || segments.length > 3 || id === "" || sub === "") return notFound;
    const method = req.method ?? "";
    const pick = (routes: Partial<Record<"GET" | "POST", [Scope, Handler]>>): Handler => {
      const route = routes[method as "GET" | "POST"];
      if (!route) {
        const allow = Object.keys(routes).join(", ");
        return () => problem(405, "method_not_allowed", `Allowed: ${allow}`, { headers: { Allow: allow } });
      }
      const [scope, handler] = route;
      return (grant, facts) =>
        grant.scopes.has(scope) ? handler(grant, facts) : problem(403, "forbidden", `The token lacks the ${scope} scope`);
    };
    if (id === undefined) {
      return pick({
        GET: ["dossiers:read", (g) => this.list(g, query)],
        POST: ["dossiers:write", (g, f) => this.idempotent(req, g, f, (body) => this.create(g, body))],
      });
    }
    if (sub === undefined) return pick({ GET: ["dossiers:read", (g) => this.get(g, id)] });
    if (sub !== "photos") return notFound;
    return pick({ POST: ["dossiers:write", (g, f) => this.idempotent(req, g, f, (body) => this.addPhotos(g, id, body))] });
  }

  /** §2 Idempotency: the outcome of a processed POST is stored per client and key for 24 h. */
  private async idempotent(req: IncomingMessage, grant: Grant, facts: RequestFacts, process: (body: unknown) => Reply): Promise<Outcome> {
    const { idempotency, faults, random } = this.deps;
    const keys = req.headersDistinct["idempotency-key"];
    const key = keys?.[0];
    if (key === undefined) return problem(400, "malformed_request", "The Idempotency-Key header is required");
    if (keys?.length !== 1 || !IDEMPOTENCY_KEY.test(key)) {
      return problem(400, "malformed_request", "Idempotency-Key must be one header of 1 to 255 printable ASCII characters");
    }
    facts.idempotencyKey = key;
    const clientId = grant.clientId;

    const previous = idempotency.lookup(clientId, key);
    if (previous?.state === "in_progress") {
      return problem(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed");
    }
    if (previous?.state === "done") {
      const body = await readBody(req);
      if (body.kind === "aborted") return { lost: "drop" };
      if (fingerprint(body) !== previous.fingerprint) {
        return problem(422, "idempotency_key_reused", "This Idempotency-Key was used before with a different body");
      }
      return withHeaders(previous.reply, { "Idempotent-Replayed": "true" });
    }

    idempotency.begin(clientId, key);
    const body = await readBody(req);
    if (body.kind === "aborted") {
      idempotency.abandon(clientId, key);
      return { lost: "drop" };
    }
    const reply = this.processBody(req, body, process);
    idempotency.complete(clientId, key, fingerprint(body), reply);
    // Processed and stored, but the answer never reaches the client.
    if (random() < faults().dropAfterStoreRate) return { lost: "drop" };
    return reply;
  }

  private processBody(req: IncomingMessage, body: Exclude<Body, { kind: "aborted" }>, process: (body: unknown) => Reply): Reply {
    if (body.kind === "too_large") {
      return problem(413, "payload_too_large", "The body is larger than 1 MiB", { headers: { Connection: "close" } });
    }
    const type = mediaType(req.headers["content-type"]);
    if (type?.type !== "application/json" || (type.charset !== null && type.charset !== "utf-8")) {
      return problem(400, "malformed_request", "Content-Type must be application/json (UTF-8)");
    }
    const parsed = parseJson(body.bytes);
    if (!parsed.ok) return problem(400, "malformed_request", "The body is not valid JSON");
    return process(parsed.value);
  }

  private create(grant: Grant, body: unknown): Reply {
    const { dossiers, processor } = this.deps;
    const input = validateCreateDossier(body);
    if (!input.ok) return validationProblem(input.errors);
    const refused = refusedFieldErrors(input.value, this.deps.faults().refusedFields);
    if (refused.length > 0) return validationProblem(refused);
    const existing = dossiers.findByReference(grant.clientId, input.value.externalReference);
    if (existing) {
      return problem(409, "dossier_exists", "A dossier with this externalReference already exists", { dossierId: existing.id });
    }
    const dossier = dossiers.create(grant.clientId, input.value);
    processor.start(dossier);
    const { id, externalReference, status, photoCount, createdAt } = dossierView(dossier);
    return json(201, { id, externalReference, status, photoCount, createdAt }, { Location: `/v1/dossiers/${id}` });
  }

  private addPhotos(grant: Grant, id: string, body: unknown): Reply {
    const dossier = this.deps.dossiers.get(grant.clientId, id);
    if (!dossier) return problem(404, "not_found", "No dossier with this id");
    const input = validateAddPhotos(body);
    if (!input.ok) return validationProblem(input.errors);
    const refused = refusedFieldErrors(input.value, this.deps.faults().refusedFields);
    if (refused.length > 0) return validationProblem(refused);
    const added = newPhotoUrls(dossier, input.value.photos.map((p) => p.url));
    if (dossier.photoUrls.length + added.length > MAX_PHOTOS_PER_DOSSIER) {
      return validationProblem([
        {
          field: "photos",
          code: "too_many",
          message: `a dossier holds at most ${MAX_PHOTOS_PER_DOSSIER} photos; this one has ${dossier.photoUrls.length}`,
        },
      ]);
    }
    if (added.length > 0) {
      addPhotoUrls(dossier, added);
      dossier.updatedAt = new Date().toISOString();
    }
    return json(201, { id: dossier.id, photoCount: dossier.photoUrls.length });
  }

  private get(grant: Grant, id: string): Reply {
    const dossier = this.deps.dossiers.get(grant.clientId, id);
    return dossier ? json(200, dossierView(dossier)) : problem(404, "not_found", "No dossier with this id");
  }

  private list(grant: Grant, query: string): Reply {
    const params = new URLSearchParams(query);
    const errors: FieldError[] = [];
    for (const name of new Set(params.keys())) {
      if (name !== "externalReference") errors.push({ field: name, code: "unknown_field", message: "is not a known parameter" });
    }
    const references = params.getAll("externalReference");
    const reference = references[0];
    if (reference === undefined || reference === "") {
      errors.push({ field: "externalReference", code: "required", message: "is required" });
    } else if (references.length > 1 || !EXTERNAL_REFERENCE.test(reference)) {
      errors.push({ field: "externalReference", code: "invalid_format", message: "must be given once, 1-64 characters of [A-Za-z0-9._:-]" });
    }
    if (errors.length > 0 || reference === undefined) return validationProblem(errors);
    const dossier = this.deps.dossiers.findByReference(grant.clientId, reference);
    return json(200, { data: dossier ? [dossierView(dossier)] : [] });
  }
}

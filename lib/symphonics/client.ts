import { Agent, type Dispatcher } from "undici";
import type { z } from "zod";
import type { AddPhotosPayload, DossierPayload } from "@/lib/dossier/payload-schema";
import { AccessTokens, type SharedTokenStore } from "./access-token";
import { classifyNoAnswer, classifyV1Answer, type ExchangeContext } from "./classify";
import { isValidIdempotencyKey } from "./idempotency";
import { attemptRecord, type ExchangeObserver, type Operation, type Outcome } from "./outcomes";
import { Redactor } from "./redaction";
import {
  createdDossierSchema,
  dossierListSchema,
  photosAddedSchema,
  remoteDossierSchema,
  type CreatedDossier,
  type PhotosAdded,
  type RemoteDossier,
} from "./responses";
import { exchange } from "./transport";

/**
 * The Symphonics CRM API v1 client: authentication, idempotent writes, and every answer or
 * failure turned into an Outcome. Retry scheduling is the caller's: the client repeats a call
 * only where the contract says to (once, after a refused token).
 */
export interface SymphonicsClientConfig {
  /** Up to and including `/crm`, from configuration. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  connectTimeoutMs?: number;
  /** Bounds each exchange from start to last byte. */
  requestTimeoutMs?: number;
  /** Renew the token this long before it expires (less for very short-lived tokens). */
  tokenRefreshMarginSeconds?: number;
  /** Clock for token expiry and Retry-After dates; tests move it. */
  now?: () => number;
  /** An undici dispatcher instead of the client's own keep-alive Agent: its owner sets its connect timeout and closes it. */
  dispatcher?: Dispatcher;
  /** Shares one token between every process of this client (the workers), instead of one per instance. */
  tokenStore?: SharedTokenStore;
}

/**
 * Optional per call: every HTTP exchange the call makes (token included) is reported to it, and
 * awaited; an error it throws (e.g. the attempt log's database is down) is the caller's and
 * propagates.
 */
export interface CallOptions {
  onExchange?: ExchangeObserver;
}

export interface SymphonicsClient {
  createDossier(payload: DossierPayload, idempotencyKey: string, options?: CallOptions): Promise<Outcome<CreatedDossier>>;
  addPhotos(dossierId: string, payload: AddPhotosPayload, idempotencyKey: string, options?: CallOptions): Promise<Outcome<PhotosAdded>>;
  getDossier(dossierId: string, options?: CallOptions): Promise<Outcome<RemoteDossier>>;
  /** success with null when Symphonics has no dossier with this reference. */
  findDossierByExternalReference(externalReference: string, options?: CallOptions): Promise<Outcome<RemoteDossier | null>>;
  close(): Promise<void>;
}

const DEFAULTS = { connectTimeoutMs: 5_000, requestTimeoutMs: 30_000, tokenRefreshMarginSeconds: 60 };

interface CallSpec<T> {
  operation: Operation;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  success: z.ZodType<T>;
}

export function createSymphonicsClient(config: SymphonicsClientConfig): SymphonicsClient {
  const now = config.now ?? Date.now;
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const timeoutMs = config.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const dispatcher: Dispatcher =
    config.dispatcher ??
    new Agent({
      connect: { timeout: config.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs },
      // Connections are reused between calls; a publication makes up to 41 in a row.
      keepAliveTimeout: 10_000,
    });
  const ownsDispatcher = dispatcher !== config.dispatcher;
  const redactor = new Redactor();
  const tokens = new AccessTokens({
    tokenUrl: `${baseUrl}/oauth/token`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    refreshMarginSeconds: config.tokenRefreshMarginSeconds ?? DEFAULTS.tokenRefreshMarginSeconds,
    timeoutMs,
    dispatcher,
    redactor,
    now,
    shared: config.tokenStore,
  });

  async function attempt<T>(spec: CallSpec<T>, token: string, body: string | undefined) {
    const context: ExchangeContext = {
      operation: spec.operation,
      startedAt: new Date(now()),
      idempotencyKey: spec.idempotencyKey ?? null,
      writes: spec.method === "POST",
      redactor,
      now,
    };
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "application/json, application/problem+json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (spec.idempotencyKey !== undefined) headers["idempotency-key"] = spec.idempotencyKey;
    const answer = await exchange(dispatcher, { url: `${baseUrl}${spec.path}`, method: spec.method, headers, body, timeoutMs });
    if (answer.kind === "no_answer") return { outcome: classifyNoAnswer(context, answer), tokenRefused: false };
    return classifyV1Answer(context, answer, spec.success);
  }

  async function call<T>(spec: CallSpec<T>, options: CallOptions | undefined): Promise<Outcome<T>> {
    const observe = options?.onExchange;
    if (spec.idempotencyKey !== undefined && !isValidIdempotencyKey(spec.idempotencyKey)) {
      return {
        operation: spec.operation,
        startedAt: new Date(now()),
        durationMs: 0,
        httpStatus: null,
        problemCode: "invalid_idempotency_key",
        message: "Not sent: an idempotency key must be 1 to 255 printable ASCII characters.",
        responseExcerpt: null,
        idempotencyKey: spec.idempotencyKey,
        rateLimit: null,
        retryAfterMs: null,
        replayed: false,
        kind: "not_retryable",
        errors: [],
      };
    }
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);

    const first = await tokens.get(observe);
    if (!first.ok) return first.outcome;
    let { outcome, tokenRefused } = await attempt(spec, first.token, body);
    if (tokenRefused) {
      // §1: an expired or revoked token: a new token, and the same call (same key) once more.
      await observe?.(attemptRecord(outcome));
      await tokens.invalidate(first.token);
      const second = await tokens.get(observe);
      if (!second.ok) return second.outcome;
      ({ outcome, tokenRefused } = await attempt(spec, second.token, body));
      if (tokenRefused && outcome.kind === "authentication") {
        await tokens.invalidate(second.token);
        outcome = { ...outcome, configurationFault: false, message: `${outcome.message}; a freshly issued token was refused too.` };
      }
    }
    await observe?.(attemptRecord(outcome));
    return outcome;
  }

  const dossierPath = (dossierId: string) => `/v1/dossiers/${encodeURIComponent(dossierId)}`;

  return {
    createDossier: (payload, idempotencyKey, options) =>
      call({ operation: "create_dossier", method: "POST", path: "/v1/dossiers", body: payload, idempotencyKey, success: createdDossierSchema }, options),

    addPhotos: (dossierId, payload, idempotencyKey, options) =>
      call(
        { operation: "add_photos", method: "POST", path: `${dossierPath(dossierId)}/photos`, body: payload, idempotencyKey, success: photosAddedSchema },
        options,
      ),

    getDossier: (dossierId, options) => call({ operation: "get_dossier", method: "GET", path: dossierPath(dossierId), success: remoteDossierSchema }, options),

    findDossierByExternalReference: async (externalReference, options) => {
      const query = new URLSearchParams({ externalReference }).toString();
      const outcome = await call({ operation: "lookup_dossier", method: "GET", path: `/v1/dossiers?${query}`, success: dossierListSchema }, options);
      if (outcome.kind !== "success") return outcome;
      return { ...outcome, value: outcome.value.data.find((dossier) => dossier.externalReference === externalReference) ?? null };
    },

    close: async () => {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

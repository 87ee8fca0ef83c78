// The Symphonics sandbox: a strict, separately runnable implementation of the partner API
// contract (Symphonics CRM API v1), for local use, the quickstart and tests.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import { z } from "zod";
import { DossierApi, type RequestFacts } from "./api";
import { TokenEndpoint, TokenStore } from "./auth";
import { BoundedList } from "./bounded-list";
import { handleControl, type RestoredDossier } from "./control";
import { DossierStore, dossierView } from "./dossiers";
import { applyFaults, NO_FAULTS, type FaultSettings } from "./faults";
import { RetryAfterHolds, type EarlyRequest, type HoldStats } from "./holds";
import { problem, readBody, type Outcome } from "./http";
import { IdempotencyStore } from "./idempotency";
import { Processor } from "./processing";
import { ClientRateLimiter, SlidingWindowLimiter, type BucketSettings } from "./rate-limit";
import { WebhookDispatcher } from "./webhooks";

export type { FaultSettings } from "./faults";

export interface SandboxOptions {
  /** 0 = random free port; default 4010. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default [{ clientId: "sandbox-client", clientSecret: "sandbox-secret" }]. */
  clients?: { clientId: string; clientSecret: string }[];
  /** Default 900. */
  tokenLifetimeSeconds?: number;
  /** Default { perSecond: 20, burst: 40 }; false lifts it. */
  rateLimit?: BucketSettings | false;
  /** Default 10 per client per minute; false lifts it. */
  tokenEndpointLimitPerMinute?: number | false;
  /** Where to POST status webhooks; none when unset. */
  webhookUrl?: string;
  /** "whsec_<base64>" per Standard Webhooks; required with webhookUrl. */
  webhookSecret?: string;
  /** false: no status webhook is sent, even with webhookUrl (as if every one were lost); default true. */
  webhooks?: boolean;
  /**
   * A request arriving this soon after a Retry-After was announced to its client was on its way
   * before the client could read it, and is not counted as early; default 50 ms.
   */
  holdGraceMs?: number;
  /** Delay between the received → processing → accepted|rejected steps; default 200 ms. */
  processingDelayMs?: number;
  /** Local-only: download https://host/path as http://host/path. Validation still requires https. */
  fetchHttpsAsHttp?: boolean;
  faults?: Partial<FaultSettings>;
  /** Log every request with pino; off by default to keep the hot path cheap. */
  logger?: boolean;
  /** Random source for fault injection, in [0, 1); default Math.random. */
  random?: () => number;
}

export interface LedgerDossier {
  id: string;
  externalReference: string;
  status: "received" | "processing" | "accepted" | "rejected";
  rejectionReason: string | null;
  photoCount: number;
  documentCount: number;
  photoUrls: string[];
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LedgerRequest {
  at: string;
  method: string;
  path: string;
  /** null = the response was dropped or the connection reset. */
  status: number | null;
  idempotencyKey: string | null;
  clientId: string | null;
  code: string | null;
}

export interface Ledger {
  dossiers: LedgerDossier[];
  requests: LedgerRequest[];
  webhooks: { webhookId: string; type: string; dossierId: string; delivered: boolean; attempts: number }[];
  /** Dossiers created per externalReference (across clients). */
  countsByExternalReference: Record<string, number>;
  tokensIssued: number;
  /** Requests that arrived during a Retry-After this sandbox had announced to their client (last 10,000). */
  requestsDuringHolds: EarlyRequest[];
}

/** GET /_sandbox/stats: counts a test can assert on without reading the whole ledger. */
export interface SandboxStats extends HoldStats {
  requests: number;
  tokensIssued: number;
  webhooksEnabled: boolean;
}

export interface RunningSandbox {
  /** Base URL including the /crm prefix, e.g. http://127.0.0.1:4010/crm. */
  url: string;
  port: number;
  close(): Promise<void>;
  setFaults(f: Partial<FaultSettings>): void;
  setRateLimit(r: { perSecond: number; burst: number } | false): void;
  revokeAllTokens(): void;
  /** Every /v1 request is answered `503 maintenance` with Retry-After for the next `seconds`. */
  startMaintenance(seconds: number): void;
  /** Turns status webhooks off (lost) or on again; dossiers still change status. */
  setWebhooks(enabled: boolean): void;
  ledger(): Ledger;
  stats(): SandboxStats;
  reset(): void;
}

const REQUEST_LOG_SIZE = 50_000;
const SWEEP_INTERVAL_MS = 60_000;

const optionsSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).default(4010),
    host: z.string().min(1).default("127.0.0.1"),
    clients: z
      .array(z.strictObject({ clientId: z.string().min(1), clientSecret: z.string().min(1) }))
      .min(1)
      .default([{ clientId: "sandbox-client", clientSecret: "sandbox-secret" }]),
    tokenLifetimeSeconds: z.number().int().min(1).default(900),
    rateLimit: z
      .union([z.strictObject({ perSecond: z.number().positive(), burst: z.number().int().min(1) }), z.literal(false)])
      .default({ perSecond: 20, burst: 40 }),
    tokenEndpointLimitPerMinute: z.union([z.number().int().min(1), z.literal(false)]).default(10),
    webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
    webhookSecret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be "whsec_" followed by base64')
      .optional(),
    webhooks: z.boolean().default(true),
    holdGraceMs: z.number().int().min(0).default(50),
    processingDelayMs: z.number().int().min(0).default(200),
    fetchHttpsAsHttp: z.boolean().default(false),
    logger: z.boolean().default(false),
  })
  .refine((o) => !o.webhookUrl || o.webhookSecret, { message: "webhookSecret is required with webhookUrl", path: ["webhookSecret"] });

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const { faults: initialFaults, random: randomOption, ...rest } = options;
  const config = optionsSchema.parse(rest);
  const random = randomOption ?? Math.random;
  let faults = applyFaults(NO_FAULTS, initialFaults ?? {});
  let rateLimit: BucketSettings | false = config.rateLimit;
  let maintenanceUntil = 0;
  let webhooksEnabled = config.webhooks;
  const logger: Logger | null = config.logger ? pino({ name: "symphonics-sandbox" }) : null;

  const tokens = new TokenStore();
  const limiter = new ClientRateLimiter(rateLimit);
  const tokenLimiter = config.tokenEndpointLimitPerMinute ? new SlidingWindowLimiter(config.tokenEndpointLimitPerMinute, 60_000) : null;
  const idempotency = new IdempotencyStore();
  const dossiers = new DossierStore();
  const requests = new BoundedList<LedgerRequest>(REQUEST_LOG_SIZE);
  const holds = new RetryAfterHolds(config.holdGraceMs);
  const webhooks =
    config.webhookUrl && config.webhookSecret
      ? new WebhookDispatcher({ url: config.webhookUrl, secret: config.webhookSecret, faults: () => faults, random })
      : null;
  const processor = new Processor({
    delayMs: config.processingDelayMs,
    fetchHttpsAsHttp: config.fetchHttpsAsHttp,
    onStatusChange: (dossier) => {
      if (webhooksEnabled) webhooks?.statusChanged(dossier);
    },
  });
  const tokenEndpoint = new TokenEndpoint({
    clients: config.clients,
    tokens,
    lifetimeSeconds: () => config.tokenLifetimeSeconds,
    limiter: tokenLimiter,
  });
  const api = new DossierApi({ tokens, limiter, idempotency, dossiers, processor, faults: () => faults, maintenanceUntil: () => maintenanceUntil, random, holds });

  const ledger = (): Ledger => ({
    dossiers: [...dossiers.all()].map((d) => ({
      ...dossierView(d),
      rejectionReason: d.rejectionReason,
      photoUrls: [...d.photoUrls],
      completedAt: d.completedAt,
    })),
    requests: requests.toArray(),
    webhooks: webhooks?.list() ?? [],
    countsByExternalReference: Object.fromEntries(dossiers.createdPerReference),
    tokensIssued: tokens.issued,
    requestsDuringHolds: holds.list(),
  });
  const stats = (): SandboxStats => ({ ...holds.counts(), requests: requests.size(), tokensIssued: tokens.issued, webhooksEnabled });

  const control = {
    ledger,
    stats,
    setWebhooks: (enabled: boolean) => {
      webhooksEnabled = enabled;
    },
    faults: () => faults,
    setFaults: (patch: Partial<FaultSettings>) => {
      faults = applyFaults(faults, patch);
    },
    setRateLimit: (settings: BucketSettings | false) => {
      rateLimit = settings;
      limiter.configure(settings);
    },
    revokeAllTokens: () => tokens.revokeAll(),
    restoreDossiers: (restored: RestoredDossier[]) => {
      for (const { clientId, ...values } of restored) dossiers.restore(clientId, values);
    },
    startMaintenance: (seconds: number) => {
      maintenanceUntil = Date.now() + seconds * 1000;
    },
    reset: () => {
      maintenanceUntil = 0;
      processor.reset();
      webhooks?.reset();
      dossiers.clear();
      idempotency.clear();
      requests.clear();
      holds.clear();
      limiter.configure(rateLimit);
      tokenLimiter?.clear();
      tokens.issued = 0;
    },
  };

  async function respond(req: IncomingMessage): Promise<{ outcome: Outcome; facts: RequestFacts; logged: boolean }> {
    const facts: RequestFacts = { clientId: null, idempotencyKey: null, arrivedAt: Date.now() };
    const url = req.url ?? "/";
    const queryStart = url.indexOf("?");
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    if (path.startsWith("/crm/v1/")) {
      const query = queryStart < 0 ? "" : url.slice(queryStart + 1);
      return { outcome: await api.handle(req, path.slice("/crm/v1/".length), query, facts), facts, logged: true };
    }
    if (path === "/crm/oauth/token") {
      const body = await readBody(req);
      if (body.kind === "aborted") return { outcome: { lost: "drop" }, facts, logged: true };
      const { reply, clientId } = tokenEndpoint.handle(req, body);
      facts.clientId = clientId;
      return { outcome: reply, facts, logged: true };
    }
    if (path.startsWith("/_sandbox/")) {
      return { outcome: await handleControl(req, path.slice("/_sandbox/".length), control), facts, logged: false };
    }
    return { outcome: problem(404, "not_found", "No such endpoint"), facts, logged: path.startsWith("/crm/") };
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = new Date().toISOString();
    let result: Awaited<ReturnType<typeof respond>>;
    try {
      result = await respond(req);
    } catch (error) {
      logger?.error({ err: error }, "unexpected error");
      if (!logger) console.error("symphonics sandbox: unexpected error", error);
      result = { outcome: problem(500, "internal_error", "Unexpected sandbox error"), facts: { clientId: null, idempotencyKey: null, arrivedAt: Date.now() }, logged: true };
    }
    const { outcome, facts, logged } = result;
    if ("lost" in outcome) {
      if (outcome.lost === "reset") req.socket.resetAndDestroy();
      else req.socket.destroy();
    } else {
      res.writeHead(outcome.status, { ...outcome.headers, "Content-Length": String(Buffer.byteLength(outcome.body)) });
      res.end(outcome.body);
      const retryAfter = outcome.headers["Retry-After"];
      const refused = outcome.status === 429 || outcome.status >= 500;
      if (refused && retryAfter !== undefined && facts.clientId && req.url?.startsWith("/crm/v1/")) holds.announce(facts.clientId, Number(retryAfter), Date.now());
    }
    const status = "lost" in outcome ? null : outcome.status;
    if (logged) {
      requests.push({
        at,
        method: req.method ?? "",
        path: (req.url ?? "/").split("?", 1)[0] ?? "/",
        status,
        idempotencyKey: facts.idempotencyKey,
        clientId: facts.clientId,
        code: "lost" in outcome ? null : outcome.code,
      });
    }
    logger?.info({ method: req.method, url: req.url, status, clientId: facts.clientId }, "request");
  }

  const server = createServer((req, res) => void serve(req, res));
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const sweeper = setInterval(() => {
    tokens.sweep();
    idempotency.sweep();
  }, SWEEP_INTERVAL_MS).unref();

  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}/crm`,
    port,
    close: async () => {
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, processor.close(), webhooks?.close()]);
    },
    setFaults: control.setFaults,
    setRateLimit: control.setRateLimit,
    revokeAllTokens: () => void tokens.revokeAll(),
    startMaintenance: control.startMaintenance,
    setWebhooks: control.setWebhooks,
    ledger,
    stats,
    reset: control.reset,
  };
}

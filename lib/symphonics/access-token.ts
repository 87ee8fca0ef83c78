import type { Dispatcher } from "undici";
import { answerFacts, classifyNoAnswer, parseJson, retryAfterMs, type ExchangeContext } from "./classify";
import { attemptRecord, type ExchangeObserver, type FailedOutcome, type Outcome } from "./outcomes";
import type { Redactor } from "./redaction";
import { oauthErrorSchema, tokenSchema } from "./responses";
import { exchange } from "./transport";

/** A token and when its holders should renew it (epoch ms of the client's clock). */
export interface StoredToken {
  token: string;
  renewAt: number;
}

/**
 * Where every process of one client shares its token (§1: 10 token requests a minute per client,
 * however many workers run or restart). Implemented over the product's database
 * (lib/publication/shared-token.ts); without one, the token is the client instance's own.
 */
export interface SharedTokenStore {
  read(): Promise<StoredToken | null>;
  /**
   * Runs `fetch` as the only fetcher among the processes sharing the store, unless the token
   * found under its lock is `fresh` (another process renewed it meanwhile), and stores the result.
   */
  renew(fetch: () => Promise<StoredToken | null>, fresh: (token: StoredToken) => boolean): Promise<StoredToken | null>;
  /** Forgets a token Symphonics refused, unless it has been replaced already. */
  forget(token: string): Promise<void>;
}

/**
 * OAuth 2.0 client credentials (§1). One token per client (per store, when one is shared), used
 * by all its calls, renewed shortly before it expires; at most one request to the token endpoint
 * at a time, since it allows only 10 per minute.
 */
export interface AccessTokenConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshMarginSeconds: number;
  timeoutMs: number;
  dispatcher: Dispatcher;
  redactor: Redactor;
  now: () => number;
  shared?: SharedTokenStore;
}

export type TokenResult = { ok: true; token: string } | { ok: false; outcome: FailedOutcome };

/** §1: the endpoint allows 10 requests a minute; the wait assumed when slow_down omits Retry-After. */
const DEFAULT_SLOW_DOWN_MS = 6000;

/** A token obtained, with the exchange that fetched it when this process made one. */
type Obtained = { result: TokenResult; outcome: Outcome<unknown> | null };

export class AccessTokens {
  private current: StoredToken | null = null;
  private inFlight: Promise<Obtained> | null = null;

  /** HTTP Basic credentials; RFC 6749 §2.3.1 form-encodes id and secret before base64. */
  private readonly credentials: string;

  constructor(private readonly config: AccessTokenConfig) {
    const encodedSecret = formEncode(config.clientSecret);
    this.credentials = Buffer.from(`${formEncode(config.clientId)}:${encodedSecret}`).toString("base64");
    config.redactor.addSecret(config.clientSecret);
    config.redactor.addSecret(encodedSecret);
    config.redactor.addSecret(this.credentials);
  }

  /**
   * A valid token, fetching one if needed. Only the caller that triggered the fetch reports the
   * exchange to its observer: it happened once, whoever else waited for it.
   */
  async get(observe: ExchangeObserver | undefined): Promise<TokenResult> {
    if (this.current && this.fresh(this.current)) return { ok: true, token: this.current.token };
    if (this.inFlight) return (await this.inFlight).result;
    this.inFlight = this.obtain();
    try {
      const { result, outcome } = await this.inFlight;
      if (outcome) await observe?.(attemptRecord(outcome));
      return result;
    } finally {
      this.inFlight = null;
    }
  }

  /** Forget a token Symphonics refused, unless another call already replaced it. */
  async invalidate(token: string): Promise<void> {
    if (this.current?.token === token) this.current = null;
    // Before the next get: otherwise it would read the refused token back from the store.
    await this.config.shared?.forget(token).catch(() => {});
  }

  private fresh = (token: StoredToken) => this.config.now() < token.renewAt;

  /** The shared token when it is fresh, else one fetched by whichever process gets the store's lock. */
  private async obtain(): Promise<Obtained> {
    const { shared } = this.config;
    if (!shared) return this.fetchToken();
    // Set when this process is the one that called the token endpoint: it reports the exchange.
    const own: { fetched?: Obtained } = {};
    try {
      const stored = await shared.read();
      const token =
        stored && this.fresh(stored)
          ? stored
          : await shared.renew(async () => {
              own.fetched = await this.fetchToken();
              return own.fetched.result.ok ? this.current : null;
            }, this.fresh);
      if (own.fetched) return own.fetched;
      if (token) return this.adopt(token);
    } catch {
      // The store is out of reach (database down): a token of our own keeps the calls going.
      if (own.fetched) return own.fetched;
    }
    return this.fetchToken();
  }

  private adopt(token: StoredToken): Obtained {
    this.config.redactor.rememberToken(token.token);
    this.current = token;
    return { result: { ok: true, token: token.token }, outcome: null };
  }

  private async fetchToken(): Promise<{ result: TokenResult; outcome: Outcome<unknown> }> {
    const { redactor, now } = this.config;
    const context: ExchangeContext = { operation: "token", startedAt: new Date(now()), idempotencyKey: null, writes: false, redactor, now };
    const requestedAt = now();
    const answer = await exchange(this.config.dispatcher, {
      url: this.config.tokenUrl,
      method: "POST",
      headers: {
        authorization: `Basic ${this.credentials}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "dossiers:write dossiers:read" }).toString(),
      timeoutMs: this.config.timeoutMs,
    });
    if (answer.kind === "no_answer") {
      const outcome = classifyNoAnswer(context, answer);
      return { result: { ok: false, outcome }, outcome };
    }

    const json = parseJson(answer.body);
    if (answer.status === 200) {
      const parsed = tokenSchema.safeParse(json);
      if (parsed.success) {
        const { access_token: token, expires_in: lifetime } = parsed.data;
        redactor.rememberToken(token);
        // Short-lived tokens (a few seconds in the sandbox) get a proportionally short margin.
        const margin = Math.min(this.config.refreshMarginSeconds, lifetime / 4);
        this.current = { token, renewAt: requestedAt + (lifetime - margin) * 1000 };
        const outcome: Outcome<unknown> = { ...answerFacts(context, answer, null, `200: token valid for ${lifetime} s`), kind: "success", value: null };
        return { result: { ok: true, token }, outcome };
      }
    }

    const error = oauthErrorSchema.safeParse(json).data?.error ?? null;
    const facts = answerFacts(context, answer, error, tokenFailureMessage(answer.status, error));
    let outcome: FailedOutcome;
    if (answer.status === 429) {
      const wait = retryAfterMs(answer.headers["retry-after"], now()) ?? DEFAULT_SLOW_DOWN_MS;
      outcome = { ...facts, kind: "rate_limited", retryAfterMs: Math.max(wait, 1000) };
    } else if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
      outcome = { ...facts, kind: "authentication", configurationFault: true };
    } else if (answer.status >= 500 || answer.status === 200) {
      outcome = { ...facts, kind: "retryable", retryAfterMs: retryAfterMs(answer.headers["retry-after"], now()) };
    } else {
      outcome = { ...facts, kind: "not_retryable", errors: [] };
    }
    return { result: { ok: false, outcome }, outcome };
  }
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function tokenFailureMessage(status: number, error: string | null): string {
  switch (error) {
    case "invalid_client":
      return `${status} invalid_client: Symphonics refused the client id or secret; retrying will not help until the configuration is fixed.`;
    case "invalid_scope":
      return `${status} invalid_scope: the client is not allowed the dossiers:write and dossiers:read scopes.`;
    case "slow_down":
      return `${status} slow_down: too many token requests (10 per minute allowed).`;
    default:
      if (status === 200) return "200, but the answer is not a usable Bearer token.";
      return `${status}${error ? ` ${error}` : ""}: the token request failed.`;
  }
}

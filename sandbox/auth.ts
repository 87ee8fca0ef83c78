// OAuth 2.0 client credentials (§1): the token endpoint and the bearer tokens it issues.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Body, Reply } from "./http";
import { json, mediaType } from "./http";
import type { SlidingWindowLimiter } from "./rate-limit";

export const SCOPES = ["dossiers:write", "dossiers:read"] as const;
export type Scope = (typeof SCOPES)[number];

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface Grant {
  clientId: string;
  scopes: ReadonlySet<Scope>;
  expiresAt: number;
}

export class TokenStore {
  private readonly grants = new Map<string, Grant>();
  issued = 0;

  constructor(private readonly now: () => number = Date.now) {}

  issue(clientId: string, scopes: ReadonlySet<Scope>, lifetimeSeconds: number): string {
    const token = randomBytes(32).toString("base64url");
    this.grants.set(token, { clientId, scopes, expiresAt: this.now() + lifetimeSeconds * 1000 });
    this.issued++;
    return token;
  }

  /** The grant behind `Authorization: Bearer <token>`, or null if unknown, expired or revoked. */
  authenticate(authorization: string | undefined): Grant | null {
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization ?? "");
    const token = match?.[1];
    if (!token) return null;
    const grant = this.grants.get(token);
    if (!grant) return null;
    if (grant.expiresAt <= this.now()) {
      this.grants.delete(token);
      return null;
    }
    return grant;
  }

  revokeAll(): number {
    const count = this.grants.size;
    this.grants.clear();
    return count;
  }

  sweep(): void {
    const now = this.now();
    for (const [token, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(token);
  }
}

export interface TokenEndpointOptions {
  clients: readonly ClientCredentials[];
  tokens: TokenStore;
  lifetimeSeconds: () => number;
  /** null when the 10 per minute limit is lifted. */
  limiter: SlidingWindowLimiter | null;
}

const oauthError = (status: number, error: string, headers: Record<string, string> = {}): Reply => ({
  ...json(status, { error }, { "Cache-Control": "no-store", ...headers }),
  code: error,
});

const digest = (s: string) => createHash("sha256").update(s).digest();

export class TokenEndpoint {
  constructor(private readonly options: TokenEndpointOptions) {}

  /** Returns the reply and, when authenticated, the client it was for (for the ledger). */
  handle(req: IncomingMessage, body: Body): { reply: Reply; clientId: string | null } {
    if (req.method !== "POST") return { reply: oauthError(405, "invalid_request", { Allow: "POST" }), clientId: null };
    const client = this.authenticateClient(req.headers.authorization);
    if (!client) {
      return { reply: oauthError(401, "invalid_client", { "WWW-Authenticate": 'Basic realm="symphonics"' }), clientId: null };
    }
    const clientId = client.clientId;
    const limit = this.options.limiter?.hit(clientId);
    if (limit && !limit.allowed) {
      return { reply: oauthError(429, "slow_down", { "Retry-After": String(limit.retryAfterSeconds) }), clientId };
    }
    return { reply: this.grant(req, body, clientId), clientId };
  }

  private grant(req: IncomingMessage, body: Body, clientId: string): Reply {
    if (mediaType(req.headers["content-type"])?.type !== "application/x-www-form-urlencoded" || body.kind !== "ok") {
      return oauthError(400, "invalid_request");
    }
    const form = new URLSearchParams(body.bytes.toString("utf8"));
    // RFC 6749 §3.1: parameters must not repeat; client credentials belong in the Basic header.
    if ([...new Set(form.keys())].some((k) => form.getAll(k).length > 1) || form.has("client_secret")) {
      return oauthError(400, "invalid_request");
    }
    const grantType = form.get("grant_type");
    if (!grantType) return oauthError(400, "invalid_request");
    if (grantType !== "client_credentials") return oauthError(400, "unsupported_grant_type");
    const scope = form.get("scope");
    if (!scope) return oauthError(400, "invalid_request");
    const requested = scope.split(" ");
    const scopes = new Set(requested);
    if (scopes.size !== requested.length || !requested.every((s): s is Scope => (SCOPES as readonly string[]).includes(s))) {
      return oauthError(400, "invalid_scope");
    }
    const lifetime = this.options.lifetimeSeconds();
    const token = this.options.tokens.issue(clientId, scopes as Set<Scope>, lifetime);
    const granted = SCOPES.filter((s) => scopes.has(s)).join(" ");
    return json(
      200,
      { access_token: token, token_type: "Bearer", expires_in: lifetime, scope: granted },
      { "Cache-Control": "no-store", Pragma: "no-cache" },
    );
  }

  /** HTTP Basic with form-url-encoded id and secret (RFC 6749 §2.3.1), compared in constant time. */
  private authenticateClient(header: string | undefined): ClientCredentials | null {
    const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header ?? "");
    if (!match?.[1] || match[1].length % 4 !== 0) return null;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return null;
    let id: string;
    let secret: string;
    try {
      id = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      return null;
    }
    const client = this.options.clients.find((c) => c.clientId === id);
    if (!client) return null;
    return timingSafeEqual(digest(secret), digest(client.clientSecret)) ? client : null;
  }
}

const formDecode = (s: string) => decodeURIComponent(s.replaceAll("+", " "));

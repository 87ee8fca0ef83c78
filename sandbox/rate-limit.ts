// Rate limits of the contract: a per-client token bucket for /v1 (§2 "Rate limits") and a
// sliding one-minute window for the token endpoint (§1).

export interface BucketSettings {
  perSecond: number;
  burst: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** RateLimit-* headers; every /v1 response carries them. */
  headers: Record<string, string>;
  /** Whole seconds, at least 1; only set when refused. */
  retryAfterSeconds?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

// A lifted limit still answers the headers every /v1 response must carry, with values that say
// "no practical limit" rather than stale numbers of a limit no longer applied.
const LIFTED_HEADERS = { "RateLimit-Limit": "1000000", "RateLimit-Remaining": "1000000", "RateLimit-Reset": "0" };

/**
 * Token buckets keyed by client id, so the limit holds whatever the number of connections or
 * processes a client uses. A refused request still costs a token (down to a debt of one full
 * burst): a client that keeps sending while throttled only stays throttled, as §2 warns.
 */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private settings: BucketSettings | false,
    private readonly now: () => number = Date.now,
  ) {}

  configure(settings: BucketSettings | false): void {
    this.settings = settings;
    this.buckets.clear();
  }

  take(clientId: string): RateLimitVerdict {
    const settings = this.settings;
    if (!settings) return { allowed: true, headers: LIFTED_HEADERS };
    const bucket = this.refill(clientId, settings);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, headers: this.headers(bucket, settings) };
    }
    bucket.tokens = Math.max(bucket.tokens - 1, -settings.burst);
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / settings.perSecond));
    return { allowed: false, headers: this.headers(bucket, settings), retryAfterSeconds };
  }

  /** Headers for a response not charged to any client (e.g. an unknown token): a full bucket. */
  uncharged(): Record<string, string> {
    const settings = this.settings;
    if (!settings) return LIFTED_HEADERS;
    return this.headers({ tokens: settings.burst, updatedAt: this.now() }, settings);
  }

  /** Current headers for a client without charging it (responses that bypass the bucket). */
  peek(clientId: string): Record<string, string> {
    const settings = this.settings;
    if (!settings) return LIFTED_HEADERS;
    return this.headers(this.refill(clientId, settings), settings);
  }

  private refill(clientId: string, settings: BucketSettings): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(clientId);
    if (!bucket) {
      bucket = { tokens: settings.burst, updatedAt: now };
      this.buckets.set(clientId, bucket);
    }
    bucket.tokens = Math.min(settings.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * settings.perSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  private headers(bucket: Bucket, settings: BucketSettings): Record<string, string> {
    return {
      "RateLimit-Limit": String(settings.perSecond),
      "RateLimit-Remaining": String(Math.max(0, Math.floor(bucket.tokens))),
      "RateLimit-Reset": String(Math.max(0, Math.ceil((settings.burst - bucket.tokens) / settings.perSecond))),
    };
  }
}

/** At most `limit` requests per key in any window of `windowMs`. */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.hits.set(key, recent);
    const oldest = recent[0];
    if (recent.length >= this.limit && oldest !== undefined) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)) };
    }
    recent.push(now);
    return { allowed: true };
  }

  clear(): void {
    this.hits.clear();
  }
}

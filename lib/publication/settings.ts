import type { Config } from "@/lib/config";
import type { BreakerSettings } from "./circuit-breaker";
import type { RateLimitSettings } from "./rate-limiter";
import type { RetrySettings } from "./retry-policy";

/** Everything the publication pipeline is tuned by, read from configuration. */
export interface PipelineSettings {
  retry: RetrySettings;
  rateLimit: RateLimitSettings;
  breaker: BreakerSettings;
  /** Consecutive failures of one publication that raise an alert. */
  alertAfterFailures: number;
  /** A failed photo batch is sent again within its run up to `retries` times, after about `pauseMs`, doubling. */
  photoBatchRetry: { retries: number; pauseMs: number };
}

export const SYMPHONICS_BUCKET = "symphonics";
export const SYMPHONICS_CIRCUIT = "symphonics";

export function pipelineSettings(config: Config): PipelineSettings {
  const cooldownMs = config.CIRCUIT_COOLDOWN_SECONDS * 1000;
  return {
    retry: {
      baseMs: config.PUBLISH_RETRY_BASE_SECONDS * 1000,
      capMs: config.PUBLISH_RETRY_CAP_SECONDS * 1000,
      budgetMs: config.PUBLISH_RETRY_BUDGET_SECONDS * 1000,
    },
    rateLimit: {
      name: SYMPHONICS_BUCKET,
      perSecond: config.SYMPHONICS_RATE_LIMIT_PER_SECOND,
      burst: config.SYMPHONICS_RATE_LIMIT_BURST,
      maxWaitMs: config.SYMPHONICS_RATE_LIMIT_MAX_WAIT_SECONDS * 1000,
    },
    breaker: {
      name: SYMPHONICS_CIRCUIT,
      failureThreshold: config.CIRCUIT_FAILURE_THRESHOLD,
      cooldownMs,
      // A probe is one publication: a few calls at most. If its worker died, someone else probes.
      probeTimeoutMs: Math.max(cooldownMs, 30_000),
    },
    alertAfterFailures: config.PUBLISH_ALERT_AFTER_FAILURES,
    photoBatchRetry: { retries: config.PUBLISH_BATCH_RETRIES, pauseMs: config.PUBLISH_BATCH_RETRY_PAUSE_SECONDS * 1000 },
  };
}

import path from "node:path";
import { z } from "zod";
import { LOCALES } from "@/lib/i18n/locales";

/**
 * Configuration read from the environment, validated once. Development gets working defaults;
 * production refuses to start without its secrets, naming each missing or invalid variable.
 */
const DEV_FILE_URL_SECRET = "dev-only-file-url-secret-change-me";
const SANDBOX_WEBHOOK_SECRET = "whsec_c2FuZGJveC13ZWJob29rLXNlY3JldC0zMmJ5dGVzISE=";

const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z.string().url(),
    PUBLIC_BASE_URL: z.string().url().default("http://localhost:3000"),
    /** The app sits behind a reverse proxy: only then are its X-Forwarded-* headers believed. */
    TRUST_PROXY: z.stringbool({ error: "must be true or false" }).default(false),
    /** Base of the signed file URLs sent to Symphonics, which requires https. */
    FILES_PUBLIC_BASE_URL: z.string().url().optional(),
    FILE_STORAGE_DIR: z.string().min(1).default(path.join(process.cwd(), ".data", "files")),
    FILE_URL_SECRET: z.string().min(16).default(DEV_FILE_URL_SECRET),
    /** Signed file URLs stay valid this long; Symphonics needs at least 7 days. */
    FILE_URL_TTL_DAYS: z.coerce.number().int().min(7).max(365).default(14),
    // Operations (lib/observability, lib/notifications, lib/privacy); see docs/runbook.md.
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Bearer token that /api/metrics requires; unset in development means the endpoint is open. */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    /** The worker's own Prometheus endpoint (http://host:port/metrics); 0 turns it off. */
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
    /** smtp:// or smtps:// URL of the mail relay, credentials included; alerts go by email only when set. */
    SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL").optional(),
    /** Comma-separated recipients of alert emails. */
    ALERT_EMAIL_TO: z.string().regex(/^[^\s@,]+@[^\s@,]+(\s*,\s*[^\s@,]+@[^\s@,]+)*$/, "must be one or more email addresses separated by commas").optional(),
    ALERT_EMAIL_FROM: z.string().min(3).default("symphonics-publisher@localhost"),
    /** Incoming-webhook URL of a chat tool; alerts are POSTed there as JSON only when set. */
    ALERT_WEBHOOK_URL: z.string().url().optional(),
    /** The language of alert e-mails and webhook notices: the installer's staff read French. */
    ALERT_LOCALE: z.enum(LOCALES).default("fr"),
    /** How often a worker evaluates alert conditions and delivers pending alerts. */
    ALERT_EVALUATION_SECONDS: z.coerce.number().positive().default(30),
    /** After a notice about a kind of alert, more of that kind are gathered this long into the next notice. */
    ALERT_DIGEST_SECONDS: z.coerce.number().min(0).default(900),
    /** The circuit toward Symphonics open longer than this raises a critical alert. */
    ALERT_CIRCUIT_OPEN_SECONDS: z.coerce.number().positive().default(600),
    /** The oldest publication job waiting (due, not taken) longer than this raises an alert. */
    ALERT_OLDEST_JOB_SECONDS: z.coerce.number().positive().default(900),
    /** This many webhook signature failures within the window raise an alert. */
    ALERT_SIGNATURE_FAILURES: z.coerce.number().int().min(1).default(10),
    ALERT_SIGNATURE_WINDOW_SECONDS: z.coerce.number().positive().default(300),
    /** Symphonics sending no webhook for this long while dossiers await its decision raises an alert. */
    WEBHOOK_SILENCE_ALERT_MINUTES: z.coerce.number().positive().default(60),
    /** Readiness reports the worker missing when no worker heartbeat is younger than this. */
    WORKER_HEARTBEAT_MAX_AGE_SECONDS: z.coerce.number().positive().default(60),
    /** Stored Symphonics responses, attempt messages and webhook payloads are purged after this many days. */
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    SYMPHONICS_BASE_URL: z.string().url().default("http://127.0.0.1:4010/crm"),
    SYMPHONICS_CLIENT_ID: z.string().min(1).default("sandbox-client"),
    SYMPHONICS_CLIENT_SECRET: z.string().min(1).default("sandbox-secret"),
    SYMPHONICS_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]+(\s+whsec_[A-Za-z0-9+/=]+)*$/, "must be one or more whsec_<base64> secrets separated by spaces").default("whsec_c2FuZGJveC13ZWJob29rLXNlY3JldC0zMmJ5dGVzISE="),
    // Publication pipeline (jobs/worker.ts). Durations in seconds; fractions allowed so tests can run fast.
    /** Retry backoff: the first retry waits about this long, doubling up to the cap... */
    PUBLISH_RETRY_BASE_SECONDS: z.coerce.number().positive().default(10),
    PUBLISH_RETRY_CAP_SECONDS: z.coerce.number().positive().default(1800),
    /** ...for at least this long after the first failure; then the publication is kept as failed. */
    PUBLISH_RETRY_BUDGET_SECONDS: z.coerce.number().positive().default(86_400),
    /** Consecutive failures of one publication that raise an alert. */
    PUBLISH_ALERT_AFTER_FAILURES: z.coerce.number().int().min(1).default(5),
    /**
     * A photo batch of a large dossier that fails for a transient reason is sent again within the
     * run, up to this many times, after a jittered pause starting at about PUBLISH_BATCH_RETRY_PAUSE_SECONDS
     * and doubling (and never before a Retry-After), before the run schedules its retry.
     */
    PUBLISH_BATCH_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    PUBLISH_BATCH_RETRY_PAUSE_SECONDS: z.coerce.number().min(0).max(60).default(0.5),
    /**
     * Our pace toward Symphonics, shared by every worker: its own 20/s with bursts of 40. The
     * limiter also believes Symphonics' RateLimit-Remaining when lower, so it never runs ahead of
     * the partner's bucket into 429s.
     */
    SYMPHONICS_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(20),
    SYMPHONICS_RATE_LIMIT_BURST: z.coerce.number().min(1).default(40),
    /**
     * A job waits (sleeping, its heartbeat kept) up to this long for its turn; beyond, it is
     * postponed through the queue. Above the worst backlog a worker holds (batch size ×
     * concurrency ÷ rate), so that a backlog drains by waiting its turn, not by re-queueing.
     */
    SYMPHONICS_RATE_LIMIT_MAX_WAIT_SECONDS: z.coerce.number().positive().default(30),
    /** Consecutive failures toward Symphonics (all interventions) that open the circuit... */
    CIRCUIT_FAILURE_THRESHOLD: z.coerce.number().int().min(1).default(10),
    /** ...for this long before a single probe may go through. */
    CIRCUIT_COOLDOWN_SECONDS: z.coerce.number().positive().default(30),
    /**
     * A published dossier whose status is still not final this long after it was created is looked
     * up at Symphonics (lost webhooks), then again at each RECONCILE_THEN_MINUTES after creation,
     * then every RECONCILE_REPEAT_MINUTES, until RECONCILE_GIVE_UP_DAYS: then a person is asked to
     * check it. A lookup is skipped while news (a webhook or a lookup) is younger than
     * RECONCILE_AFTER_MINUTES. Fractions allowed for tests.
     */
    RECONCILE_AFTER_MINUTES: z.coerce.number().positive().max(10_080).default(15),
    RECONCILE_THEN_MINUTES: z
      .string()
      .regex(/^\s*(\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*)?\s*$/, "must be minutes separated by commas, e.g. 60,360")
      .default("60,360")
      .transform((list) => list.split(",").filter((item) => item.trim() !== "").map(Number).sort((a, b) => a - b)),
    RECONCILE_REPEAT_MINUTES: z.coerce.number().positive().default(1440),
    RECONCILE_GIVE_UP_DAYS: z.coerce.number().positive().max(365).default(14),
    /** How often each worker looks for such dossiers. */
    RECONCILE_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
    /** Jobs a worker fetches at once, and how many such batches it runs side by side. */
    WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(25),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2),
    /** Idle polling; LISTEN/NOTIFY wakes workers at once when a job is sent. */
    WORKER_POLL_SECONDS: z.coerce.number().min(0.5).default(2),
    /** How often a worker looks for jobs of dead workers (missed heartbeats) to hand them out again. */
    WORKER_SUPERVISE_SECONDS: z.coerce.number().int().min(1).default(5),
    /** A job whose worker sends no heartbeat for this long is taken again (pg-boss minimum: 10). */
    WORKER_JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).default(10),
  })
  .superRefine((env, ctx) => {
    if (env.ALERT_EMAIL_TO && !env.SMTP_URL) ctx.addIssue({ code: "custom", path: ["SMTP_URL"], message: "must be set when ALERT_EMAIL_TO is: alert emails need a mail relay" });
    if (env.NODE_ENV !== "production") return;
    if (env.FILE_URL_SECRET === DEV_FILE_URL_SECRET) {
      ctx.addIssue({ code: "custom", path: ["FILE_URL_SECRET"], message: "must be set to a secret of at least 16 characters in production" });
    }
    if (!env.METRICS_TOKEN) ctx.addIssue({ code: "custom", path: ["METRICS_TOKEN"], message: "must be set in production: /api/metrics is not left open" });
    if (env.SYMPHONICS_CLIENT_SECRET === "sandbox-secret") {
      ctx.addIssue({ code: "custom", path: ["SYMPHONICS_CLIENT_SECRET"], message: "must be set to the real client secret in production, not the sandbox's" });
    }
    if (env.SYMPHONICS_WEBHOOK_SECRET === SANDBOX_WEBHOOK_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SYMPHONICS_WEBHOOK_SECRET"], message: "must be set to the secret Symphonics signs with in production, not the sandbox's" });
    }
  });

export type Config = z.infer<typeof configSchema> & { FILES_PUBLIC_BASE_URL: string };

export class ConfigError extends Error {}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return { ...parsed.data, FILES_PUBLIC_BASE_URL: parsed.data.FILES_PUBLIC_BASE_URL ?? parsed.data.PUBLIC_BASE_URL };
}

let cached: { env: string; config: Config } | undefined;

/** The process's configuration; re-read when DATABASE_URL changes (each test file has its own). */
export function config(): Config {
  const key = `${process.env.DATABASE_URL}|${process.env.FILE_STORAGE_DIR}|${process.env.FILES_PUBLIC_BASE_URL}|${process.env.TRUST_PROXY}`;
  if (cached?.env !== key) cached = { env: key, config: parseConfig(process.env) };
  return cached.config;
}

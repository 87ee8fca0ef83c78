/**
 * The product's whole data model. Every other shape (zod schemas, API types, UI types) is
 * derived from these tables or from the zod schemas next to the code that validates input.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => timestamptz("created_at").notNull().defaultNow();
const updatedAt = () => timestamptz("updated_at").notNull().defaultNow();

export const interventionStatus = pgEnum("intervention_status", [
  "scheduled",
  "in_progress",
  "installation_done",
  "published",
  "cancelled",
]);

export const staffRole = pgEnum("staff_role", ["viewer", "operator", "admin"]);

/**
 * Where the publication of one intervention stands.
 * - not_ready: not eligible yet (status, contract or a signature missing)
 * - queued: eligible, a publication job waits in the queue
 * - in_progress: a worker is talking to Symphonics right now
 * - retrying: the last attempt failed transiently; another is scheduled at next_attempt_at
 * - published: Symphonics holds the dossier (dossier_id is set)
 * - needs_review: the data is invalid (locally or per Symphonics, or the dossier was rejected);
 *   a person must correct it, which re-triggers publication
 * - failed: the retry budget is spent; kept for manual resolution, never dropped
 * - resolved: Symphonics rejected the dossier and a person settled it outside the API (the same
 *   reference cannot be sent again): final, with who, when and why
 */
export const publicationStatus = pgEnum("publication_status", [
  "not_ready",
  "queued",
  "in_progress",
  "retrying",
  "published",
  "needs_review",
  "failed",
  "resolved",
]);

export const dossierStatus = pgEnum("dossier_status", ["received", "processing", "accepted", "rejected"]);

export const attemptTrigger = pgEnum("attempt_trigger", ["automatic", "manual", "retry"]);

export const documentType = pgEnum("document_type", ["contract", "quote", "invoice", "certificate", "other"]);

/**
 * Every beneficiary and installation field, the name included, is null while the field team has
 * not given it: interventions are recorded before they are complete, and the mapping says what
 * is missing at publication.
 */
export const beneficiaries = pgTable("beneficiaries", {
  id: uuid("id").primaryKey().defaultRandom(),
  firstName: text("first_name"),
  lastName: text("last_name"),
  email: text("email"),
  phone: text("phone"),
  contractSignedAt: timestamptz("contract_signed_at"),
  /** Set when an administrator erased the personal data on request (GDPR). */
  erasedAt: timestamptz("erased_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const interventions = pgTable(
  "interventions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The workforce application's own stable id; also the dossier's externalReference. */
    reference: text("reference").notNull(),
    beneficiaryId: uuid("beneficiary_id")
      .notNull()
      .references(() => beneficiaries.id),
    address: text("address"),
    postalCode: text("postal_code"),
    city: text("city"),
    pdl: text("pdl"),
    pce: text("pce"),
    status: interventionStatus("status").notNull(),
    /** When the intervention reached installation_done; sent as the dossier's completedAt. */
    completedAt: timestamptz("completed_at"),
    /** Lower-cased reference, beneficiary name and city, for the dashboard's trigram search. */
    searchText: text("search_text").notNull().default(""),
    /** Optimistic concurrency: incremented by every change of the intervention's data. */
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    /** Last change of the intervention or of its publication; the dashboard sorts by it. */
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("interventions_reference_key").on(t.reference),
    index("interventions_updated_at_idx").on(t.updatedAt.desc(), t.id.desc()),
    index("interventions_status_updated_at_idx").on(t.status, t.updatedAt.desc(), t.id.desc()),
    index("interventions_beneficiary_idx").on(t.beneficiaryId),
    index("interventions_search_trgm_idx").using("gin", sql`${t.searchText} gin_trgm_ops`),
  ],
);

export const interventionOperations = pgTable(
  "intervention_operations",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    interventionId: uuid("intervention_id")
      .notNull()
      .references(() => interventions.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    /** CEE standardised operation code, e.g. BAR-TH-171. */
    code: text("code").notNull(),
  },
  (t) => [uniqueIndex("intervention_operations_position_key").on(t.interventionId, t.position)],
);

export const interventionProducts = pgTable(
  "intervention_products",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    interventionId: uuid("intervention_id")
      .notNull()
      .references(() => interventions.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    model: text("model").notNull(),
  },
  (t) => [uniqueIndex("intervention_products_position_key").on(t.interventionId, t.position)],
);

export const interventionDocuments = pgTable(
  "intervention_documents",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    interventionId: uuid("intervention_id")
      .notNull()
      .references(() => interventions.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    type: documentType("type"),
    /** Relative to the storage root (FILE_STORAGE_DIR). */
    filePath: text("file_path").notNull(),
    requiresSignature: boolean("requires_signature").notNull().default(false),
    signedAt: timestamptz("signed_at"),
  },
  (t) => [uniqueIndex("intervention_documents_position_key").on(t.interventionId, t.position)],
);

export const interventionPhotos = pgTable(
  "intervention_photos",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    interventionId: uuid("intervention_id")
      .notNull()
      .references(() => interventions.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    filePath: text("file_path").notNull(),
  },
  (t) => [uniqueIndex("intervention_photos_position_key").on(t.interventionId, t.position)],
);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** argon2id PHC string. */
    passwordHash: text("password_hash").notNull(),
    role: staffRole("role").notNull(),
    disabledAt: timestamptz("disabled_at"),
    /** Sign-in attempts since the last success or lock, counted before the password is checked. */
    failedLoginCount: integer("failed_login_count").notNull().default(0),
    lockedUntil: timestamptz("locked_until"),
    /** Carried in every session token; signing out increments it, which ends those sessions. */
    sessionVersion: integer("session_version").notNull().default(0),
    lastLoginAt: timestamptz("last_login_at"),
    /** The language chosen from the header; null: the browser's, else French (lib/i18n). */
    locale: text("locale").$type<"fr" | "en">(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`), check("users_locale_check", sql`${t.locale} in ('fr', 'en')`)],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** SHA-256 of the token: tokens are 256-bit random, so a fast hash is enough. */
    tokenHash: text("token_hash").notNull(),
    /** First characters of the token, to recognise it in the UI without revealing it. */
    prefix: text("prefix").notNull(),
    role: staffRole("role").notNull(),
    lastUsedAt: timestamptz("last_used_at"),
    revokedAt: timestamptz("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("api_tokens_token_hash_key").on(t.tokenHash)],
);

/** One synchronisation state per intervention, created with the intervention. */
export const publications = pgTable(
  "publications",
  {
    interventionId: uuid("intervention_id")
      .primaryKey()
      .references(() => interventions.id, { onDelete: "cascade" }),
    status: publicationStatus("status").notNull().default("not_ready"),
    dossierId: text("dossier_id"),
    dossierStatus: dossierStatus("dossier_status"),
    /**
     * Last news of the dossier's status: a webhook that moved it, or a lookup by the reconciler.
     * A dossier not final whose news is old is looked up (lib/publication/reconcile.ts).
     */
    dossierStatusCheckedAt: timestamptz("dossier_status_checked_at"),
    /** The reconciler's next lookup on its widening schedule; null before the first (lib/publication/reconcile-schedule.ts). */
    dossierStatusNextCheckAt: timestamptz("dossier_status_next_check_at"),
    rejectionReason: text("rejection_reason"),
    /** Photos Symphonics has confirmed, so an interrupted batch sequence resumes where it stopped. */
    photosSent: integer("photos_sent").notNull().default(0),
    attemptCount: integer("attempt_count").notNull().default(0),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    lastErrorCode: text("last_error_code"),
    lastErrorMessage: text("last_error_message"),
    lastErrorAt: timestamptz("last_error_at"),
    /** Field problems in the workforce app's names, when the data must be corrected. */
    problems: jsonb("problems").$type<{ field: string; message: string; symphonics?: { field: string; code: string | null } }[]>(),
    nextAttemptAt: timestamptz("next_attempt_at"),
    /** Start of the current retry budget (first failure of the current sequence). */
    firstFailureAt: timestamptz("first_failure_at"),
    queuedAt: timestamptz("queued_at"),
    publishedAt: timestamptz("published_at"),
    /** A rejected dossier settled by a person: when, who (their label) and their required note. */
    resolvedAt: timestamptz("resolved_at"),
    resolvedBy: text("resolved_by"),
    resolutionNote: text("resolution_note"),
    /**
     * The intervention's search text, copied by triggers on every insert and change (migration
     * 0013) and never written by the code: a list filtered by state and searched then reads the
     * state's rows alone, instead of fetching each one's intervention (5,000 failed at a million).
     */
    searchText: text("search_text").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("publications_status_updated_at_idx").on(t.status, t.updatedAt.desc()),
    uniqueIndex("publications_dossier_id_key").on(t.dossierId),
    index("publications_next_attempt_at_idx").on(t.nextAttemptAt),
    // The publications on their way or waiting for a person, a few percent of all, newest change
    // first: a page of any combination of these states (needs review or failed, needs attention)
    // reads off it directly instead of sorting every row of the states it asks for.
    index("publications_open_updated_at_idx")
      .on(t.updatedAt.desc(), t.interventionId.desc())
      .where(sql`${t.status} in ('queued', 'in_progress', 'retrying', 'needs_review', 'failed')`),
    // The overview's chart of publications per hour or day: an index-only scan of the period's
    // published rows instead of fetching each one from the (status, updated_at) index.
    index("publications_published_at_idx")
      .on(t.publishedAt)
      .where(sql`${t.status} = 'published'`),
    // The reconciler's most-overdue-first scan over published dossiers still awaiting a final status.
    index("publications_dossier_lookup_idx")
      .on(sql`coalesce(${t.dossierStatusNextCheckAt}, ${t.publishedAt})`)
      .where(sql`${t.status} = 'published' and ${t.dossierStatus} in ('received', 'processing')`),
  ],
);

/**
 * Publications per status as a ledger of changes: the statement-level triggers of migration
 * 0009 add one row per status a statement changed (n may be negative), in the same transaction,
 * so the sum per status equals count(*) at every snapshot without reading the publications.
 * Rows are only inserted, never updated, so concurrent workers never wait on a shared counter;
 * now and then a trigger folds the ledger into one row per status. Repair (never needed unless
 * rows were changed with the triggers disabled): `select recount_publication_status_counts()`.
 */
export const publicationStatusCounts = pgTable("publication_status_counts", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  status: publicationStatus("status").notNull(),
  n: bigint("n", { mode: "number" }).notNull(),
});

/** Every HTTP exchange with Symphonics. Never holds a token or a secret. */
export const publicationAttempts = pgTable(
  "publication_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    interventionId: uuid("intervention_id")
      .notNull()
      .references(() => interventions.id, { onDelete: "cascade" }),
    /** create_dossier, add_photos, lookup_dossier, get_dossier. */
    operation: text("operation").notNull(),
    idempotencyKey: text("idempotency_key"),
    trigger: attemptTrigger("trigger").notNull(),
    /** Who asked: a staff email, an API token name, or "system". */
    triggeredBy: text("triggered_by").notNull().default("system"),
    /** success, retryable, rate_limited, rejected, exists, authentication, ambiguous, circuit_open... */
    outcome: text("outcome").notNull(),
    httpStatus: integer("http_status"),
    problemCode: text("problem_code"),
    message: text("message"),
    durationMs: integer("duration_ms").notNull(),
    /** Trimmed response body, purged after the retention period. */
    responseExcerpt: text("response_excerpt"),
    correlationId: text("correlation_id"),
    startedAt: timestamptz("started_at").notNull().defaultNow(),
  },
  (t) => [
    index("publication_attempts_intervention_idx").on(t.interventionId, t.startedAt.desc()),
    index("publication_attempts_started_at_idx").on(t.startedAt),
  ],
);

export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    webhookId: text("webhook_id").notNull(),
    type: text("type").notNull(),
    dossierId: text("dossier_id"),
    externalReference: text("external_reference"),
    status: text("status"),
    reason: text("reason"),
    /** applied, stale (older than the status we hold), unknown_type, unknown_dossier. */
    outcome: text("outcome").notNull(),
    payload: jsonb("payload"),
    occurredAt: timestamptz("occurred_at"),
    receivedAt: timestamptz("received_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("webhook_events_webhook_id_key").on(t.webhookId),
    index("webhook_events_dossier_idx").on(t.dossierId, t.receivedAt.desc()),
    index("webhook_events_received_at_idx").on(t.receivedAt),
  ],
);

/**
 * Webhooks refused for their signature, counted per minute and reason: one row however many
 * calls a forger sends, and a count every web app instance adds to, which the alert reads.
 */
export const webhookSignatureFailures = pgTable(
  "webhook_signature_failures",
  {
    minute: timestamptz("minute").notNull(),
    reason: text("reason").notNull(),
    failures: integer("failures").notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.minute, t.reason] })],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamptz("at").notNull().defaultNow(),
    /** user, api_token or system. */
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    interventionId: uuid("intervention_id").references(() => interventions.id, { onDelete: "set null" }),
    details: jsonb("details"),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at.desc()),
    index("audit_log_intervention_idx").on(t.interventionId, t.at.desc()),
  ],
);

/** Alerts for administrators; one open alert per group key, so an outage raises one, not thousands. */
export const alerts = pgTable(
  "alerts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    groupKey: text("group_key").notNull(),
    severity: text("severity").notNull().default("warning"),
    /** In English, as raised: for logs, and what is shown of an alert raised without a catalogue key. */
    message: text("message").notNull(),
    /** The catalogue sentence (`alertMessages` in messages/*.json) shown in the reader's language; null on older alerts. */
    messageKey: text("message_key"),
    /** Its arguments (reference, code, counts), as strings. */
    messageValues: jsonb("message_values").$type<Record<string, string>>(),
    interventionId: uuid("intervention_id").references(() => interventions.id, { onDelete: "set null" }),
    occurrences: integer("occurrences").notNull().default(1),
    firstSeenAt: timestamptz("first_seen_at").notNull().defaultNow(),
    lastSeenAt: timestamptz("last_seen_at").notNull().defaultNow(),
    resolvedAt: timestamptz("resolved_at"),
    /** An operator saw it: it leaves the overview, and stays in the database. */
    acknowledgedAt: timestamptz("acknowledged_at"),
    acknowledgedBy: text("acknowledged_by"),
    deliveredAt: timestamptz("delivered_at"),
  },
  (t) => [
    uniqueIndex("alerts_open_group_key").on(t.groupKey).where(sql`${t.resolvedAt} is null`),
    index("alerts_last_seen_idx").on(t.lastSeenAt.desc()),
  ],
);

/** Circuit breaker toward Symphonics, shared by every worker and shown by the web app. */
export const circuitBreakers = pgTable("circuit_breakers", {
  name: text("name").primaryKey(),
  /** closed, open or half_open. */
  state: text("state").notNull().default("closed"),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  openedAt: timestamptz("opened_at"),
  /** When an open circuit lets a single probe through. */
  probeAt: timestamptz("probe_at"),
  updatedAt: updatedAt(),
});

/** Token bucket shared by every worker process: the partner's limit is per client, not per process. */
export const rateLimitBuckets = pgTable("rate_limit_buckets", {
  name: text("name").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  refilledAt: timestamptz("refilled_at").notNull().defaultNow(),
  /** Set from a 429's Retry-After: nobody sends before it. */
  blockedUntil: timestamptz("blocked_until"),
});

/**
 * The Symphonics access token every worker process uses (§1: 10 token requests a minute per
 * client). Encrypted with a key derived from the client secret; its hash finds a refused token.
 */
export const symphonicsAccessTokens = pgTable("symphonics_access_tokens", {
  clientId: text("client_id").primaryKey(),
  tokenCiphertext: text("token_ciphertext"),
  tokenHash: text("token_hash"),
  renewAt: timestamptz("renew_at"),
  updatedAt: updatedAt(),
});

/**
 * Sign-in attempts counted where there is no user row to count them on: unknown emails
 * (`email:…`, locked exactly like an account, so a lock says nothing about existence) and
 * clients (`client:…`, whose wait grows with their failures). Keys hold a SHA-256 of the email
 * or address, not the personal data itself.
 */
export const loginThrottle = pgTable(
  "login_throttle",
  {
    key: text("key").primaryKey(),
    attempts: integer("attempts").notNull().default(0),
    /** No attempt is checked before this time. */
    lockedUntil: timestamptz("locked_until"),
    updatedAt: updatedAt(),
  },
  (t) => [index("login_throttle_updated_at_idx").on(t.updatedAt)],
);

export const workerHeartbeats = pgTable("worker_heartbeats", {
  workerId: text("worker_id").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  startedAt: timestamptz("started_at").notNull().defaultNow(),
  lastBeatAt: timestamptz("last_beat_at").notNull().defaultNow(),
});

export type Intervention = typeof interventions.$inferSelect;
export type Beneficiary = typeof beneficiaries.$inferSelect;
export type Publication = typeof publications.$inferSelect;
export type PublicationAttempt = typeof publicationAttempts.$inferSelect;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type User = typeof users.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type StaffRole = (typeof staffRole.enumValues)[number];
export type InterventionStatus = (typeof interventionStatus.enumValues)[number];
export type PublicationStatus = (typeof publicationStatus.enumValues)[number];
export type DossierStatus = (typeof dossierStatus.enumValues)[number];
export type AttemptTrigger = (typeof attemptTrigger.enumValues)[number];

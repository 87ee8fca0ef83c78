import { z } from "zod";
import { attemptTrigger, documentType, dossierStatus, interventionStatus, publicationStatus, staffRole } from "@/db/schema";
import { fieldProblemSchema } from "@/lib/http/problem";

/**
 * The shapes of the product's answers, named as components of the API reference. Requests are
 * documented from the very schemas `route()` parses with; answers have their zod schema here,
 * derived from the database enums, and the OpenAPI tests check every answer against them.
 */
const dateTime = z.iso.datetime({ offset: true });
const nullableDateTime = dateTime.nullable();

export const interventionViewSchema = z
  .object({
    reference: z.string(),
    version: z.number().int().min(1),
    beneficiary_first_name: z.string().nullable(),
    beneficiary_last_name: z.string().nullable(),
    beneficiary_email: z.string().nullable(),
    beneficiary_phone: z.string().nullable(),
    address: z.string().nullable(),
    postal_code: z.string().nullable(),
    city: z.string().nullable(),
    pdl: z.string().nullable(),
    pce: z.string().nullable(),
    operations: z.array(z.object({ code: z.string() })),
    products: z.array(z.object({ name: z.string(), model: z.string() })),
    documents: z.array(
      z.object({ file_path: z.string(), type: z.enum(documentType.enumValues).nullable(), requires_signature: z.boolean(), signed_at: nullableDateTime }),
    ),
    photos: z.array(z.object({ file_path: z.string() })),
    status: z.enum(interventionStatus.enumValues),
    contract_signed_at: nullableDateTime,
    completed_at: nullableDateTime,
    created_at: nullableDateTime,
    updated_at: nullableDateTime,
    publication: z.object({
      status: z.enum(publicationStatus.enumValues),
      dossier_id: z.string().nullable(),
      dossier_status: z.enum(dossierStatus.enumValues).nullable(),
      published_at: nullableDateTime,
    }),
  })
  .meta({ id: "Intervention" });

export const publicationViewSchema = z
  .object({
    status: z.enum(publicationStatus.enumValues),
    dossier_id: z.string().nullable(),
    dossier_status: z.enum(dossierStatus.enumValues).nullable(),
    rejection_reason: z.string().nullable(),
    attempt_count: z.number().int(),
    consecutive_failures: z.number().int(),
    last_error: z.object({ code: z.string(), message: z.string().nullable(), at: nullableDateTime }).nullable(),
    problems: z.array(fieldProblemSchema),
    next_attempt_at: nullableDateTime,
    queued_at: nullableDateTime,
    published_at: nullableDateTime,
    photos_sent: z.number().int(),
  })
  .meta({ id: "Publication" });

export const publishAcceptedSchema = z.object({ reference: z.string(), publication: publicationViewSchema }).meta({ id: "PublishAccepted" });

export const syncStatusSchema = z
  .object({
    reference: z.string(),
    intervention_status: z.enum(interventionStatus.enumValues),
    ...publicationViewSchema.shape,
    explanation: z
      .object({
        code: z.string().meta({ description: "Stable, for programs: published, rejected, gave_up, circuit_open, rate_limited, no_worker, retry_scheduled…" }),
        text: z.string().meta({ description: "Where the publication stands and what happens next, in words, times in ISO 8601 (UTC)" }),
        template: z.string().meta({ description: "The same sentence with {t0}, {t1}… where a client writes `times` in its reader's zone" }),
        times: z.record(z.string(), dateTime),
      })
      .meta({ description: "The plain-language explanation the dashboard shows for this publication" }),
    recent_attempts: z.array(
      z.object({
        at: nullableDateTime,
        operation: z.string(),
        trigger: z.enum(attemptTrigger.enumValues),
        triggered_by: z.string(),
        outcome: z.string(),
        http_status: z.number().int().nullable(),
        problem_code: z.string().nullable(),
        message: z.string().nullable(),
        duration_ms: z.number().int(),
        idempotency_key: z.string().nullable(),
      }),
    ),
    webhook_events: z.array(
      z.object({
        received_at: nullableDateTime,
        occurred_at: nullableDateTime,
        webhook_id: z.string(),
        type: z.string(),
        status: z.string().nullable(),
        reason: z.string().nullable(),
        outcome: z.string(),
      }),
    ),
  })
  .meta({ id: "SyncStatus" });

export const webhookAckSchema = z
  .object({ received: z.literal(true), outcome: z.enum(["applied", "stale", "unknown_type", "unknown_dossier", "duplicate"]) })
  .meta({ id: "WebhookAck" });

const checkSchema = z.object({ ok: z.boolean(), detail: z.string() });
export const readinessSchema = z
  .object({
    status: z.enum(["ready", "degraded", "not_ready"]),
    checks: z.object({ database: checkSchema, migrations: checkSchema, worker: checkSchema, circuit: checkSchema }),
  })
  .meta({ id: "Readiness" });

export const livenessSchema = z.object({ status: z.literal("alive") }).meta({ id: "Liveness" });

export const beneficiaryExportSchema = z
  .object({
    exported_at: dateTime,
    beneficiary: z.object({
      id: z.uuid(),
      first_name: z.string().nullable(),
      last_name: z.string().nullable(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      contract_signed_at: nullableDateTime,
      erased_at: nullableDateTime,
      created_at: nullableDateTime,
    }),
    interventions: z.array(
      z.object({
        reference: z.string(),
        address: z.string().nullable(),
        postal_code: z.string().nullable(),
        city: z.string().nullable(),
        pdl: z.string().nullable(),
        pce: z.string().nullable(),
        status: z.enum(interventionStatus.enumValues),
        completed_at: nullableDateTime,
        documents: z.array(z.object({ file_path: z.string(), type: z.enum(documentType.enumValues).nullable(), signed_at: nullableDateTime })),
        photos: z.array(z.object({ file_path: z.string() })),
        publication: z.object({
          status: z.enum(publicationStatus.enumValues),
          dossier_id: z.string().nullable(),
          dossier_status: z.enum(dossierStatus.enumValues).nullable(),
          published_at: nullableDateTime,
        }),
      }),
    ),
  })
  .meta({ id: "BeneficiaryExport" });

export const erasureResultSchema = z
  .object({ erased_at: dateTime, interventions: z.array(z.string()), files_deleted: z.number().int().min(0) })
  .meta({ id: "ErasureResult" });

const listPage = <T extends z.ZodType>(item: T) => ({ items: z.array(item), nextCursor: z.string().nullable().describe("Pass it as `cursor` for the next page; null on the last") });

export const interventionListSchema = z
  .object({
    ...listPage(
      z.object({
        id: z.uuid(),
        reference: z.string(),
        status: z.enum(interventionStatus.enumValues),
        city: z.string().nullable(),
        postalCode: z.string().nullable(),
        beneficiaryName: z.string().nullable().describe("null while the field team has not given the name"),
        publicationStatus: z.enum(publicationStatus.enumValues),
        dossierId: z.string().nullable(),
        dossierStatus: z.enum(dossierStatus.enumValues).nullable(),
        attemptCount: z.number().int(),
        lastErrorMessage: z.string().nullable(),
        completedAt: nullableDateTime,
        updatedAt: nullableDateTime,
        publicationChangedAt: nullableDateTime,
        nextAttemptAt: nullableDateTime,
      }),
    ),
    orderedBy: z.enum(["updatedAt", "publicationChangedAt"]),
  })
  .meta({ id: "InterventionList" });

export const syncStateTotalsSchema = z
  .object({
    byState: z.record(z.enum(publicationStatus.enumValues), z.number().int().min(0)).describe("Interventions per publication state: what filtering the list by that state shows"),
    cancelled: z.number().int().min(0).describe("Among `not_ready`, the cancelled interventions"),
    total: z.number().int().min(0),
  })
  .meta({ id: "SyncStateTotals" });

export const attentionListSchema = z
  .object(
    listPage(
      z.object({
        reference: z.string(),
        beneficiaryName: z.string().nullable().describe("null while the field team has not given the name"),
        city: z.string().nullable(),
        kind: z.enum(["failed", "needs_review", "rejected", "stuck"]),
        reason: z.string().describe("What happened, in a sentence for staff"),
        publicationStatus: z.enum(publicationStatus.enumValues),
        attemptCount: z.number().int(),
        lastErrorAt: nullableDateTime,
        updatedAt: nullableDateTime,
      }),
    ),
  )
  .meta({ id: "AttentionList" });

export const overviewSchema = z
  .looseObject({
    counts: z.record(z.string(), z.number().int()),
    total: z.number().int(),
    health: z.looseObject({ circuits: z.array(z.looseObject({ name: z.string(), state: z.string() })), queue: z.looseObject({}), workers: z.looseObject({}) }),
    chart: z.object({ range: z.enum(["24h", "14d"]), unit: z.enum(["hour", "day"]), points: z.array(z.object({ bucket: nullableDateTime, published: z.number().int(), failed: z.number().int() })) }),
    alerts: z.array(z.looseObject({ id: z.number().int(), kind: z.string(), severity: z.string(), message: z.string() })),
    generatedAt: dateTime,
  })
  .meta({ id: "Overview", description: "Counts per state, integration health, the chart and open alerts" });

export const interventionDetailSchema = z
  .looseObject({
    reference: z.string(),
    status: z.enum(interventionStatus.enumValues),
    version: z.number().int(),
    beneficiary: z.looseObject({ firstName: z.string().nullable(), lastName: z.string().nullable() }),
    publication: publicationViewSchema,
    dossier: z.looseObject({ ok: z.boolean() }),
    blockers: z.array(z.string()),
    attempts: z.array(z.looseObject({})),
    webhookEvents: z.array(z.looseObject({})),
    timeline: z
      .object({
        entries: z.array(
          z.object({
            key: z.string(),
            kind: z.enum(["trigger", "attempt", "webhook", "outcome", "staff_action"]),
            at: dateTime,
            text: z.string(),
            by: z.string(),
            tone: z.enum(["success", "failure", "neutral"]),
            details: z.array(z.string()),
            responseExcerpt: z.string().nullable(),
          }),
        ),
        truncated: z.boolean(),
      })
      .meta({ description: "Triggers, exchanges with Symphonics, its notifications, the pipeline's outcomes and staff actions in one list, newest first" }),
  })
  .meta({ id: "InterventionDetail", description: "The intervention page: the intervention, its dossier, problems and publication history" });

const staffRoles = z.enum(staffRole.enumValues);
export const staffUserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: staffRoles,
    disabledAt: nullableDateTime,
    lockedUntil: nullableDateTime,
    failedLoginCount: z.number().int(),
    lastLoginAt: nullableDateTime,
    createdAt: dateTime,
  })
  .meta({ id: "StaffUser" });

export const apiTokenSummarySchema = z
  .object({ id: z.uuid(), name: z.string(), prefix: z.string(), role: staffRoles, lastUsedAt: nullableDateTime, revokedAt: nullableDateTime, createdAt: dateTime })
  .meta({ id: "ApiToken" });

export const csrfTokenSchema = z.object({ csrfToken: z.string() }).meta({ id: "CsrfToken" });
export const sessionSchema = z
  .looseObject({ user: z.looseObject({ name: z.string().nullish(), email: z.string().nullish() }).optional(), expires: dateTime.optional() })
  .meta({ id: "Session", description: "The signed-in staff member, or an empty object" });
export const signInResultSchema = z.object({ url: z.string() }).meta({ id: "SignInResult", description: "Where the browser goes next (an error names itself in the URL)" });

import { z } from "zod";
import { attemptTrigger, documentType, dossierStatus, interventionStatus, publicationStatus } from "@/db/schema";
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
    beneficiary_first_name: z.string(),
    beneficiary_last_name: z.string(),
    beneficiary_email: z.string(),
    beneficiary_phone: z.string(),
    address: z.string(),
    postal_code: z.string(),
    city: z.string(),
    pdl: z.string(),
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
      first_name: z.string(),
      last_name: z.string(),
      email: z.string(),
      phone: z.string(),
      contract_signed_at: nullableDateTime,
      erased_at: nullableDateTime,
      created_at: nullableDateTime,
    }),
    interventions: z.array(
      z.object({
        reference: z.string(),
        address: z.string(),
        postal_code: z.string(),
        city: z.string(),
        pdl: z.string(),
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

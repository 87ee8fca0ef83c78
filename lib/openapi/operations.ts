import { z } from "zod";
import { ifMatchHeader } from "@/lib/http/request";
import type { RouteDefinition } from "@/lib/http/route";
import { interventionInputSchema, interventionPatchSchema, referenceSchema } from "@/lib/interventions/intake-schema";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { webhookBodySchema } from "@/lib/publication/webhooks";
import {
  beneficiaryExportSchema,
  erasureResultSchema,
  interventionViewSchema,
  livenessSchema,
  publishAcceptedSchema,
  readinessSchema,
  syncStatusSchema,
  webhookAckSchema,
} from "./schemas";

/** A success answer; an error is a sentence (its body is always problem+json). */
export type Answer = string | { description: string; schema: z.ZodType; mediaType?: string; headers?: z.ZodObject };

export type Tag = "Interventions" | "Publication" | "Webhooks" | "Operations" | "Data protection";

/**
 * One operation of the documented API: what `route()` checks (role, path, query, body) and what
 * the reference says about it. The handler at `app/<path>/route.ts` is built from it, and the
 * OpenAPI document from all of them.
 */
export interface Operation extends RouteDefinition {
  path: `/api/${string}`;
  method: "get" | "put" | "post" | "patch";
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  /** How a public operation is protected instead (security scheme names). */
  security?: Record<string, string[]>[];
  bodyExample?: unknown;
  /** A message the handler reads itself, to check its signature over the exact bytes first. */
  signed?: { headers: z.ZodObject; body: z.ZodType; limitBytes: number; example: unknown };
  responses: Record<number, Answer>;
}

const referenceParams = z.object({
  reference: referenceSchema.meta({
    id: "Reference",
    param: {
      description: "The workforce application's reference of the intervention (it becomes the dossier's externalReference)",
      example: "INT-2026-000123",
    },
  }),
});
const ifMatch = z.object({
  "If-Match": ifMatchHeader.meta({
    param: { description: "The version last read (the ETag); the write is refused with 409 version_conflict when the intervention changed since", example: '"1"' },
  }),
});
const etag = z.object({ ETag: z.string().meta({ description: 'The intervention\'s version, e.g. "3"; send it back in If-Match' }) });
const intervention = (description: string) => ({ description, schema: interventionViewSchema, headers: etag });
const malformedBodyOrIfMatch = "The body is not valid JSON (`malformed_request`), or If-Match is malformed";

export const operations = {
  getIntervention: {
    path: "/api/interventions/{reference}",
    method: "get",
    access: "viewer",
    params: referenceParams,
    tag: "Interventions",
    operationId: "getIntervention",
    summary: "Read an intervention",
    responses: { 200: intervention("The intervention, in the workforce app's field names"), 404: "Unknown reference", 422: "Malformed reference" },
  },
  putIntervention: {
    path: "/api/interventions/{reference}",
    method: "put",
    access: "operator",
    params: referenceParams,
    headers: ifMatch,
    body: interventionInputSchema,
    bodyExample: sampleInterventionInput(),
    tag: "Interventions",
    operationId: "putIntervention",
    summary: "Create or replace a whole intervention",
    description: "Needs the operator role. A change that makes the intervention eligible queues its publication in the same transaction.",
    responses: {
      200: intervention("Replaced"),
      201: intervention("Created"),
      400: malformedBodyOrIfMatch,
      404: "If-Match was sent for an intervention that does not exist",
      409: "Version conflict (`version_conflict`), forbidden status transition (`forbidden_transition`) or concurrent creation (`concurrent_create`)",
      422: "Invalid values (`validation_failed`), one entry per field in `errors`",
    },
  },
  patchIntervention: {
    path: "/api/interventions/{reference}",
    method: "patch",
    access: "operator",
    params: referenceParams,
    headers: ifMatch,
    body: interventionPatchSchema,
    bodyExample: { status: "installation_done" },
    tag: "Interventions",
    operationId: "patchIntervention",
    summary: "Change the status, record the contract signature or document signatures",
    responses: {
      200: intervention("Changed"),
      400: malformedBodyOrIfMatch,
      404: "Unknown reference",
      409: "Version conflict or forbidden status transition",
      422: "Invalid values, or a document the intervention does not have",
    },
  },
  publishIntervention: {
    path: "/api/interventions/{reference}/publish",
    method: "post",
    access: "operator",
    params: referenceParams,
    tag: "Publication",
    operationId: "publishIntervention",
    summary: "Publish now (operator or admin)",
    description: "Queues the publication; concurrent calls for one intervention produce one job and one dossier.",
    responses: {
      202: { description: "Queued; the synchronisation state", schema: publishAcceptedSchema },
      404: "Unknown reference",
      409: "Already published (`already_published`) or under way (`publication_in_progress`); `publication` holds the current state",
      422: "Not eligible, or its data would not make a valid dossier, with the field problems",
    },
  },
  getSyncStatus: {
    path: "/api/interventions/{reference}/sync-status",
    method: "get",
    access: "viewer",
    params: referenceParams,
    tag: "Publication",
    operationId: "getSyncStatus",
    summary: "Where the publication stands, with recent exchanges and webhook events",
    responses: { 200: { description: "The synchronisation state", schema: syncStatusSchema }, 404: "Unknown reference", 422: "Malformed reference" },
  },
  receiveSymphonicsWebhook: {
    path: "/api/webhooks/symphonics",
    method: "post",
    access: "public",
    security: [{ webhookSignature: [] }],
    signed: {
      headers: z.object({ "webhook-id": z.string(), "webhook-timestamp": z.string().meta({ param: { description: "Unix seconds" } }) }),
      body: webhookBodySchema.meta({ id: "SymphonicsWebhookEvent" }),
      // Symphonics' events are a few hundred bytes; anything far larger is not one.
      limitBytes: 64 * 1024,
      example: { type: "dossier.accepted", timestamp: "2026-11-25T10:00:00Z", data: { dossierId: "DOS-1", externalReference: "INT-2026-000123", status: "accepted" } },
    },
    tag: "Webhooks",
    operationId: "receiveSymphonicsWebhook",
    summary: "Dossier status changes from Symphonics (Standard Webhooks)",
    description:
      "Signed with `webhook-id`, `webhook-timestamp` and `webhook-signature` over the raw body (HMAC-SHA256, 5-minute tolerance, several signatures during secret rotation). Each `webhook-id` is applied once; the dossier status only moves forward.",
    responses: {
      200: { description: "Received (also for a duplicate or an unknown type)", schema: webhookAckSchema },
      400: "The body is not JSON",
      401: "Missing, wrong or stale signature (`invalid_signature`); nothing changed",
      413: "The body is larger than 64 KiB",
      422: "The body is not a webhook event",
    },
  },
  liveness: {
    path: "/api/health/live",
    method: "get",
    access: "public",
    security: [],
    tag: "Operations",
    operationId: "liveness",
    summary: "Liveness: the process answers",
    responses: { 200: { description: "Alive", schema: livenessSchema } },
  },
  readiness: {
    path: "/api/health/ready",
    method: "get",
    access: "public",
    security: [],
    tag: "Operations",
    operationId: "readiness",
    summary: "Readiness: database reachable and migrated; worker heartbeat and circuit reported",
    responses: {
      200: { description: "Ready, or degraded (serving, but publications do not flow)", schema: readinessSchema },
      503: { description: "Not ready: the database is unreachable or not migrated", schema: readinessSchema },
    },
  },
  metrics: {
    path: "/api/metrics",
    method: "get",
    access: "public",
    security: [{ metricsToken: [] }],
    tag: "Operations",
    operationId: "metrics",
    summary: "Prometheus metrics",
    responses: { 200: { description: "Prometheus text exposition format", schema: z.string(), mediaType: "text/plain" }, 401: "Missing or wrong METRICS_TOKEN" },
  },
  openApiDocument: {
    path: "/api/openapi",
    method: "get",
    access: "viewer",
    tag: "Operations",
    operationId: "openApiDocument",
    summary: "This document",
    responses: { 200: { description: "The OpenAPI 3.1 document", schema: z.looseObject({}) } },
  },
  exportBeneficiaryData: {
    path: "/api/privacy/beneficiaries/{reference}/export",
    method: "get",
    access: "admin",
    params: referenceParams,
    tag: "Data protection",
    operationId: "exportBeneficiaryData",
    summary: "Export the personal data of the beneficiary of an intervention (admin)",
    responses: {
      200: { description: "Everything held about the person, as a JSON attachment", schema: beneficiaryExportSchema },
      404: "Unknown reference",
      422: "Malformed reference",
    },
  },
  eraseBeneficiaryData: {
    path: "/api/privacy/beneficiaries/{reference}/erase",
    method: "post",
    access: "admin",
    params: referenceParams,
    tag: "Data protection",
    operationId: "eraseBeneficiaryData",
    summary: "Erase the personal data of the beneficiary of an intervention (admin); the publication history stays",
    responses: {
      200: { description: "Erased (again, if it already was)", schema: erasureResultSchema },
      404: "Unknown reference",
      409: "A publication of the person's interventions is underway (`publication_underway`)",
      422: "Malformed reference",
    },
  },
  acknowledgeAlert: {
    path: "/api/alerts/{id}/acknowledge",
    method: "post",
    access: "operator",
    params: z.object({
      id: z.coerce
        .number({ error: "must be an alert id (a whole number)" })
        .int("must be an alert id (a whole number)")
        .min(1, "must be an alert id (a whole number)")
        .max(Number.MAX_SAFE_INTEGER, "must be an alert id (a whole number)")
        .meta({ param: { description: "The alert's id, as the overview lists it", example: "42" } }),
    }),
    tag: "Operations",
    operationId: "acknowledgeAlert",
    summary: "Acknowledge an alert (operator or admin): it leaves the overview, and still closes by itself when its condition clears",
    responses: {
      200: {
        description: "Acknowledged (again, if it already was)",
        schema: z.object({ id: z.number().int(), kind: z.string(), acknowledged_at: z.iso.datetime({ offset: true }), acknowledged_by: z.string() }).meta({ id: "AlertAcknowledged" }),
      },
      404: "Unknown alert",
      422: "Malformed id",
    },
  },
} satisfies Record<string, Operation>;

import { z } from "zod";
import { interventionInputSchema, interventionPatchSchema, referenceSchema } from "@/lib/interventions/intake-schema";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import {
  beneficiaryExportSchema,
  erasureResultSchema,
  fieldProblemSchema,
  interventionViewSchema,
  livenessSchema,
  problemSchema,
  publicationViewSchema,
  publishAcceptedSchema,
  readinessSchema,
  syncStatusSchema,
  webhookAckSchema,
  webhookEventSchema,
} from "./schemas";

/**
 * The OpenAPI 3.1 document of the product's own API, generated from the zod schemas the handlers
 * parse requests with (and those of their answers) by zod's JSON Schema export: OpenAPI 3.1
 * schemas are JSON Schema 2020-12, so no other generator is needed.
 */
function componentSchemas() {
  const registry = z.registry<{ id: string }>();
  const named: [string, z.ZodType][] = [
    ["InterventionInput", interventionInputSchema],
    ["InterventionPatch", interventionPatchSchema],
    ["Reference", referenceSchema],
    ["Intervention", interventionViewSchema],
    ["Publication", publicationViewSchema],
    ["PublishAccepted", publishAcceptedSchema],
    ["SyncStatus", syncStatusSchema],
    ["SymphonicsWebhookEvent", webhookEventSchema],
    ["WebhookAck", webhookAckSchema],
    ["FieldProblem", fieldProblemSchema],
    ["Problem", problemSchema],
    ["Liveness", livenessSchema],
    ["Readiness", readinessSchema],
    ["BeneficiaryExport", beneficiaryExportSchema],
    ["ErasureResult", erasureResultSchema],
  ];
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", io: "input", uri: (id) => `#/components/schemas/${id}`, unrepresentable: "any" });
  // Each exported schema names its dialect and id; in OpenAPI 3.1 the document gives both.
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$schema" && key !== "$id"))]));
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema: ref(id) } },
});
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });

const referenceParameter = {
  name: "reference",
  in: "path",
  required: true,
  description: "The workforce application's reference of the intervention (it becomes the dossier's externalReference)",
  schema: ref("Reference"),
  example: "INT-2026-000123",
};
const etag = { ETag: { description: 'The intervention\'s version, e.g. "3"; send it back in If-Match', schema: { type: "string" } } };
const ifMatch = {
  name: "If-Match",
  in: "header",
  required: false,
  description: "The version last read (the ETag); the write is refused with 409 version_conflict when the intervention changed since",
  schema: { type: "string" },
  example: '"1"',
};
const staffAuth = [{ apiToken: [] }, { session: [] }];
const common = {
  401: problem("No or unknown API token or session (`unauthenticated`)"),
  403: problem("The role is insufficient (`forbidden`), or a cookie-authenticated change came from another site (`cross_site_request`)"),
};
const bodyErrors = {
  400: problem("The body is not valid JSON (`malformed_request`), or If-Match is malformed"),
  413: problem("The body is larger than 1 MiB (`payload_too_large`)"),
  415: problem("The body is not sent as application/json (`unsupported_media_type`)"),
};

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Symphonics publications API",
      version: "1.0.0",
      description:
        "The product's own endpoints: intake of interventions by the workforce application, manual publication and synchronisation status, the Symphonics webhook receiver, health, metrics and data protection. Errors are RFC 9457 problem details with a stable `code`.",
    },
    servers: [{ url: "/" }],
    tags: [
      { name: "Interventions", description: "Intake by the workforce application" },
      { name: "Publication", description: "Publishing to Symphonics and where it stands" },
      { name: "Webhooks", description: "Called by Symphonics" },
      { name: "Operations", description: "Health and metrics" },
      { name: "Data protection", description: "Beneficiaries' personal data (admins)" },
    ],
    paths: {
      "/api/interventions/{reference}": {
        parameters: [referenceParameter],
        get: {
          tags: ["Interventions"],
          operationId: "getIntervention",
          summary: "Read an intervention",
          security: staffAuth,
          responses: { 200: json("Intervention", "The intervention, in the workforce app's field names", etag), ...common, 404: problem("Unknown reference"), 422: problem("Malformed reference") },
        },
        put: {
          tags: ["Interventions"],
          operationId: "putIntervention",
          summary: "Create or replace a whole intervention",
          description: "Needs the operator role. A change that makes the intervention eligible queues its publication in the same transaction.",
          security: staffAuth,
          parameters: [ifMatch],
          requestBody: { required: true, content: { "application/json": { schema: ref("InterventionInput"), example: sampleInterventionInput() } } },
          responses: {
            200: json("Intervention", "Replaced", etag),
            201: json("Intervention", "Created", etag),
            ...bodyErrors,
            ...common,
            404: problem("If-Match was sent for an intervention that does not exist"),
            409: problem("Version conflict (`version_conflict`), forbidden status transition (`forbidden_transition`) or concurrent creation (`concurrent_create`)"),
            422: problem("Invalid values (`validation_failed`), one entry per field in `errors`"),
          },
        },
        patch: {
          tags: ["Interventions"],
          operationId: "patchIntervention",
          summary: "Change the status, record the contract signature or document signatures",
          security: staffAuth,
          parameters: [ifMatch],
          requestBody: { required: true, content: { "application/json": { schema: ref("InterventionPatch"), example: { status: "installation_done" } } } },
          responses: {
            200: json("Intervention", "Changed", etag),
            ...bodyErrors,
            ...common,
            404: problem("Unknown reference"),
            409: problem("Version conflict or forbidden status transition"),
            422: problem("Invalid values, or a document the intervention does not have"),
          },
        },
      },
      "/api/interventions/{reference}/publish": {
        parameters: [referenceParameter],
        post: {
          tags: ["Publication"],
          operationId: "publishIntervention",
          summary: "Publish now (operator or admin)",
          description: "Queues the publication; concurrent calls for one intervention produce one job and one dossier.",
          security: staffAuth,
          responses: {
            202: json("PublishAccepted", "Queued; the synchronisation state"),
            ...common,
            404: problem("Unknown reference"),
            409: problem("Already published (`already_published`) or under way (`publication_in_progress`); `publication` holds the current state"),
            422: problem("Not eligible, or its data would not make a valid dossier, with the field problems"),
          },
        },
      },
      "/api/interventions/{reference}/sync-status": {
        parameters: [referenceParameter],
        get: {
          tags: ["Publication"],
          operationId: "getSyncStatus",
          summary: "Where the publication stands, with recent exchanges and webhook events",
          security: staffAuth,
          responses: { 200: json("SyncStatus", "The synchronisation state"), ...common, 404: problem("Unknown reference"), 422: problem("Malformed reference") },
        },
      },
      "/api/webhooks/symphonics": {
        post: {
          tags: ["Webhooks"],
          operationId: "receiveSymphonicsWebhook",
          summary: "Dossier status changes from Symphonics (Standard Webhooks)",
          description:
            "Signed with `webhook-id`, `webhook-timestamp` and `webhook-signature` over the raw body (HMAC-SHA256, 5-minute tolerance, several signatures during secret rotation). Each `webhook-id` is applied once; the dossier status only moves forward.",
          security: [{ webhookSignature: [] }],
          parameters: [
            { name: "webhook-id", in: "header", required: true, schema: { type: "string" } },
            { name: "webhook-timestamp", in: "header", required: true, schema: { type: "string" }, description: "Unix seconds" },
          ],
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("SymphonicsWebhookEvent"), example: { type: "dossier.accepted", timestamp: "2026-11-25T10:00:00Z", data: { dossierId: "DOS-1", externalReference: "INT-2026-000123", status: "accepted" } } } },
          },
          responses: {
            200: json("WebhookAck", "Received (also for a duplicate or an unknown type)"),
            400: problem("The body is not JSON"),
            401: problem("Missing, wrong or stale signature (`invalid_signature`); nothing changed"),
            413: problem("The body is larger than 64 KiB"),
            422: problem("The body is not a webhook event"),
          },
        },
      },
      "/api/health/live": {
        get: { tags: ["Operations"], operationId: "liveness", summary: "Liveness: the process answers", security: [], responses: { 200: json("Liveness", "Alive") } },
      },
      "/api/health/ready": {
        get: {
          tags: ["Operations"],
          operationId: "readiness",
          summary: "Readiness: database reachable and migrated; worker heartbeat and circuit reported",
          security: [],
          responses: { 200: json("Readiness", "Ready, or degraded (serving, but publications do not flow)"), 503: json("Readiness", "Not ready: the database is unreachable or not migrated") },
        },
      },
      "/api/metrics": {
        get: {
          tags: ["Operations"],
          operationId: "metrics",
          summary: "Prometheus metrics",
          security: [{ metricsToken: [] }],
          responses: {
            200: { description: "Prometheus text exposition format", content: { "text/plain": { schema: { type: "string" } } } },
            401: problem("Missing or wrong METRICS_TOKEN"),
          },
        },
      },
      "/api/openapi": {
        get: { tags: ["Operations"], operationId: "openApiDocument", summary: "This document", security: staffAuth, responses: { 200: { description: "The OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } }, 401: common[401] } },
      },
      "/api/privacy/beneficiaries/{reference}/export": {
        parameters: [referenceParameter],
        get: {
          tags: ["Data protection"],
          operationId: "exportBeneficiaryData",
          summary: "Export the personal data of the beneficiary of an intervention (admin)",
          security: staffAuth,
          responses: { 200: json("BeneficiaryExport", "Everything held about the person, as a JSON attachment"), ...common, 404: problem("Unknown reference"), 422: problem("Malformed reference") },
        },
      },
      "/api/privacy/beneficiaries/{reference}/erase": {
        parameters: [referenceParameter],
        post: {
          tags: ["Data protection"],
          operationId: "eraseBeneficiaryData",
          summary: "Erase the personal data of the beneficiary of an intervention (admin); the publication history stays",
          security: staffAuth,
          responses: {
            200: json("ErasureResult", "Erased (again, if it already was)"),
            ...common,
            404: problem("Unknown reference"),
            409: problem("A publication of the person's interventions is underway (`publication_underway`)"),
            422: problem("Malformed reference"),
          },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        apiToken: { type: "http", scheme: "bearer", description: "An API token (`npm run token:create`)" },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token", description: "A staff member's session after logging in" },
        metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN" },
        webhookSignature: { type: "apiKey", in: "header", name: "webhook-signature", description: "Standard Webhooks signature (v1,<base64 HMAC-SHA256>)" },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

import { z } from "zod";
import { newApiTokenSchema, userChangeSchema } from "@/lib/auth/staff-admin";
import { ownLocaleSchema } from "@/lib/auth/preferences";
import { newUserSchema } from "@/lib/auth/users";
import { attentionQuerySchema } from "@/lib/dashboard/attention";
import { listQuerySchema, totalsQuerySchema } from "@/lib/dashboard/interventions";
import { overviewQuerySchema } from "@/lib/dashboard/overview";
import { ifMatchHeader } from "@/lib/http/request";
import type { RouteDefinition } from "@/lib/http/route";
import { interventionInputSchema, interventionPatchSchema, referenceSchema } from "@/lib/interventions/intake-schema";
import { sampleInterventionInput } from "@/lib/interventions/sample";
import { webhookBodySchema } from "@/lib/publication/webhooks";
import { storableString } from "@/lib/values";
import {
  apiTokenSummarySchema,
  attentionListSchema,
  beneficiaryExportSchema,
  csrfTokenSchema,
  erasureResultSchema,
  interventionDetailSchema,
  interventionListSchema,
  interventionViewSchema,
  livenessSchema,
  overviewSchema,
  publishAcceptedSchema,
  readinessSchema,
  sessionSchema,
  signInResultSchema,
  staffUserSchema,
  syncStateTotalsSchema,
  syncStatusSchema,
  webhookAckSchema,
} from "./schemas";

/** A success answer; an error is a sentence (its body is always problem+json). */
export type Answer = string | { description: string; schema: z.ZodType; mediaType?: string | string[]; headers?: z.ZodObject };

export type Tag = "Interventions" | "Publication" | "Webhooks" | "Dashboard" | "Administration" | "Sign-in" | "Operations" | "Data protection" | "Files";

/**
 * One operation of the documented API: what `route()` checks (role, path, query, body) and what
 * the reference says about it. The handler at `app/<route>/route.ts` is built from it, and the
 * OpenAPI document from all of them.
 */
export interface Operation extends RouteDefinition {
  /** The documented path when it is not the route's own (next-auth's endpoints under one catch-all route). */
  path?: `/${string}`;
  method: "get" | "put" | "post" | "patch" | "delete";
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  /** How a public operation is protected instead (security scheme names). */
  security?: Record<string, string[]>[];
  bodyExample?: unknown;
  /** A message the handler reads itself, to check its signature over the exact bytes first. */
  signed?: { headers: z.ZodObject; body: z.ZodType; limitBytes: number; example: unknown };
  /** An HTML form's body (application/x-www-form-urlencoded), read by the library behind the route. */
  form?: z.ZodObject;
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
/**
 * Every operation reads it (route() does, for its problems): the language of the sentences for
 * people in an answer. Codes, field names and every other value are the same in each language.
 */
export const acceptLanguage = z.object({
  "Accept-Language": z
    .string()
    .optional()
    .meta({
      param: {
        description:
          "fr or en (any region, with q-values): the language of a problem's `title` and `detail` and of sync-status's `explanation.text`; English when absent or neither. `code`, field names in `errors[].field` and every other member never change with the language.",
        example: "fr-FR,fr;q=0.9,en;q=0.8",
      },
    }),
});
const etag = z.object({ ETag: z.string().meta({ description: 'The intervention\'s version, e.g. "3"; send it back in If-Match' }) });
const intervention = (description: string) => ({ description, schema: interventionViewSchema, headers: etag });
const idParams = (what: string) => z.object({ id: z.uuid(`must be ${what} id (a UUID)`).meta({ param: { description: `The ${what.replace(/^an? /, "")}'s id` } }) });
const malformedBodyOrIfMatch = "The body is not valid JSON (`malformed_request`), or If-Match is malformed";

export const operations = {
  getIntervention: {
    route: "/api/interventions/[reference]",
    method: "get",
    access: "viewer",
    params: referenceParams,
    tag: "Interventions",
    operationId: "getIntervention",
    summary: "Read an intervention",
    responses: { 200: intervention("The intervention, in the workforce app's field names"), 404: "Unknown reference", 422: "Malformed reference" },
  },
  putIntervention: {
    route: "/api/interventions/[reference]",
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
    route: "/api/interventions/[reference]",
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
    route: "/api/interventions/[reference]/publish",
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
    route: "/api/interventions/[reference]/sync-status",
    method: "get",
    access: "viewer",
    params: referenceParams,
    tag: "Publication",
    operationId: "getSyncStatus",
    summary: "Where the publication stands, with recent exchanges and webhook events",
    responses: { 200: { description: "The synchronisation state", schema: syncStatusSchema }, 404: "Unknown reference", 422: "Malformed reference" },
  },
  receiveSymphonicsWebhook: {
    route: "/api/webhooks/symphonics",
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
    route: "/api/health/live",
    method: "get",
    access: "public",
    security: [],
    tag: "Operations",
    operationId: "liveness",
    summary: "Liveness: the process answers",
    responses: { 200: { description: "Alive", schema: livenessSchema } },
  },
  readiness: {
    route: "/api/health/ready",
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
    route: "/api/metrics",
    method: "get",
    access: "public",
    security: [{ metricsToken: [] }],
    tag: "Operations",
    operationId: "metrics",
    summary: "Prometheus metrics",
    responses: { 200: { description: "Prometheus text exposition format", schema: z.string(), mediaType: "text/plain" }, 401: "Missing or wrong METRICS_TOKEN" },
  },
  openApiDocument: {
    route: "/api/openapi",
    method: "get",
    access: "viewer",
    tag: "Operations",
    operationId: "openApiDocument",
    summary: "This document",
    responses: { 200: { description: "The OpenAPI 3.1 document", schema: z.looseObject({}) } },
  },
  exportBeneficiaryData: {
    route: "/api/privacy/beneficiaries/[reference]/export",
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
    route: "/api/privacy/beneficiaries/[reference]/erase",
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
  dashboardOverview: {
    route: "/api/dashboard/overview",
    method: "get",
    access: "viewer",
    query: overviewQuerySchema,
    tag: "Dashboard",
    operationId: "dashboardOverview",
    summary: "The overview page: counts per state, integration health, the chart and open alerts",
    responses: { 200: { description: "The overview", schema: overviewSchema }, 422: "Invalid `range` or `tz`" },
  },
  dashboardInterventions: {
    route: "/api/dashboard/interventions",
    method: "get",
    access: "viewer",
    query: listQuerySchema,
    tag: "Dashboard",
    operationId: "dashboardInterventions",
    summary: "The interventions list: filters, search, sort and keyset pages",
    responses: { 200: { description: "One page", schema: interventionListSchema }, 422: "An invalid filter, sort, cursor or limit, named in `errors`" },
  },
  dashboardPublicationTotals: {
    route: "/api/dashboard/publication-totals",
    method: "get",
    access: "viewer",
    query: totalsQuerySchema,
    tag: "Dashboard",
    operationId: "dashboardPublicationTotals",
    summary: "How many interventions each synchronisation state of the list holds, under the list's other filters",
    responses: { 200: { description: "The totals per state", schema: syncStateTotalsSchema }, 422: "An invalid status, search, date or time zone, named in `errors`" },
  },
  dashboardIntervention: {
    route: "/api/dashboard/interventions/[reference]",
    method: "get",
    access: "viewer",
    params: referenceParams,
    tag: "Dashboard",
    operationId: "dashboardIntervention",
    summary: "The intervention page: its data, the exact dossier, problems, attempts and webhooks",
    responses: { 200: { description: "The intervention page's data", schema: interventionDetailSchema }, 404: "Unknown reference", 422: "Malformed reference" },
  },
  dashboardEvents: {
    route: "/api/dashboard/events",
    method: "get",
    access: "viewer",
    tag: "Dashboard",
    operationId: "dashboardEvents",
    summary: "Server-sent events: one `change` event per committed change the dashboard shows",
    description:
      "A `text/event-stream` that stays open: `ready` once the database listens, then `change` events whose data is `{\"reference\": …, \"kind\": …}` (the intervention's reference, or null for the whole pipeline, and one of intervention, publication, attempt, webhook, staff_action, alert, circuit), and a comment every 15 s. It carries no personal data: a page refetches what it shows.",
    responses: { 200: { description: "The stream of changes", schema: z.string(), mediaType: "text/event-stream" } },
  },
  dashboardAttention: {
    route: "/api/dashboard/attention",
    method: "get",
    access: "viewer",
    query: attentionQuerySchema,
    tag: "Dashboard",
    operationId: "dashboardAttention",
    summary: "Everything that needs a person: failed, needs review, rejected, or stuck longer than expected",
    responses: { 200: { description: "One page", schema: attentionListSchema }, 422: "An invalid kind, date, cursor or limit, named in `errors`" },
  },
  listUsers: {
    route: "/api/admin/users",
    method: "get",
    access: "admin",
    tag: "Administration",
    operationId: "listUsers",
    summary: "The staff accounts (admin)",
    responses: { 200: { description: "Every account", schema: z.object({ users: z.array(staffUserSchema) }) } },
  },
  createUser: {
    route: "/api/admin/users",
    method: "post",
    access: "admin",
    body: newUserSchema,
    bodyLimitBytes: 16 * 1024,
    bodyExample: { email: "jeanne@installer.fr", name: "Jeanne Martin", password: "a long passphrase", role: "operator" },
    tag: "Administration",
    operationId: "createUser",
    summary: "Create a staff account (admin)",
    responses: { 201: { description: "Created", schema: z.object({ user: staffUserSchema }) }, 409: "The email is taken (`email_taken`)", 422: "Invalid values" },
  },
  changeUser: {
    route: "/api/admin/users/[id]",
    method: "patch",
    access: "admin",
    params: idParams("a user"),
    body: userChangeSchema,
    bodyLimitBytes: 16 * 1024,
    bodyExample: { unlock: true },
    tag: "Administration",
    operationId: "changeUser",
    summary: "Change a staff account: role, disabled, unlock, password, name (admin)",
    responses: {
      200: { description: "Changed", schema: z.object({ user: staffUserSchema }) },
      404: "Unknown user",
      409: "An administrator cannot disable themselves or drop their own admin role (`own_access`)",
      422: "Invalid values",
    },
  },
  listApiTokens: {
    route: "/api/admin/tokens",
    method: "get",
    access: "admin",
    tag: "Administration",
    operationId: "listApiTokens",
    summary: "The API tokens (admin); their secrets are never shown again",
    responses: { 200: { description: "Every token", schema: z.object({ tokens: z.array(apiTokenSummarySchema) }) } },
  },
  createApiToken: {
    route: "/api/admin/tokens",
    method: "post",
    access: "admin",
    body: newApiTokenSchema,
    bodyLimitBytes: 16 * 1024,
    bodyExample: { name: "workforce-app", role: "operator" },
    tag: "Administration",
    operationId: "createApiToken",
    summary: "Create an API token (admin); the answer is the only time its secret is shown",
    responses: { 201: { description: "Created", schema: z.object({ token: apiTokenSummarySchema, secret: z.string() }) }, 422: "Invalid values" },
  },
  revokeApiToken: {
    route: "/api/admin/tokens/[id]",
    method: "delete",
    access: "admin",
    params: idParams("an API token"),
    tag: "Administration",
    operationId: "revokeApiToken",
    summary: "Revoke an API token at once (admin); revoking it again changes nothing",
    responses: { 200: { description: "Revoked", schema: z.object({ token: apiTokenSummarySchema }) }, 404: "Unknown token", 422: "Malformed id" },
  },
  csrfToken: {
    route: "/api/auth/[...nextauth]",
    path: "/api/auth/csrf",
    method: "get",
    access: "public",
    security: [],
    tag: "Sign-in",
    operationId: "csrfToken",
    summary: "The CSRF token a sign-in or sign-out form must send (next-auth)",
    responses: { 200: { description: "The token (also set as a cookie)", schema: csrfTokenSchema } },
  },
  session: {
    route: "/api/auth/[...nextauth]",
    path: "/api/auth/session",
    method: "get",
    access: "public",
    security: [{ session: [] }],
    tag: "Sign-in",
    operationId: "session",
    summary: "Who is signed in (next-auth); an empty object when nobody is",
    responses: { 200: { description: "The session", schema: sessionSchema } },
  },
  signIn: {
    route: "/api/auth/[...nextauth]",
    path: "/api/auth/callback/credentials",
    method: "post",
    access: "public",
    security: [],
    form: z.object({
      csrfToken: z.string().meta({ description: "From GET /api/auth/csrf, with its cookie" }),
      email: z.string(),
      password: z.string(),
      callbackUrl: z.string().optional().meta({ description: "Where to go once signed in; only this application's own pages" }),
      json: z.literal("true").optional().meta({ description: "Answer JSON instead of redirecting" }),
    }),
    tag: "Sign-in",
    operationId: "signIn",
    summary: "Sign in with email and password (next-auth); sets the session cookie",
    description: "Five failures lock the account for 15 minutes; a failure answers the same whether the account exists, is locked or not.",
    responses: {
      200: { description: "With `json=true`: where to go next (an error is named in the URL)", schema: signInResultSchema },
      302: "Without `json=true`: a redirect to the callback URL, or back to the login page with the error",
    },
  },
  signOut: {
    route: "/api/auth/[...nextauth]",
    path: "/api/auth/signout",
    method: "post",
    access: "public",
    security: [{ session: [] }],
    form: z.object({ csrfToken: z.string(), callbackUrl: z.string().optional(), json: z.literal("true").optional() }),
    tag: "Sign-in",
    operationId: "signOut",
    summary: "Sign out (next-auth): the session is revoked on the server, its cookie no longer opens anything",
    responses: {
      200: { description: "With `json=true`: where to go next", schema: signInResultSchema },
      302: "Without `json=true`: a redirect to the callback URL",
    },
  },
  apiReference: {
    route: "/api-reference",
    method: "get",
    access: "viewer",
    tag: "Operations",
    operationId: "apiReference",
    summary: "The interactive API reference (an HTML page rendering this document)",
    responses: { 200: { description: "The page", schema: z.string(), mediaType: "text/html" } },
  },
  apiReferenceBundle: {
    route: "/api-reference/scalar.js",
    method: "get",
    access: "viewer",
    tag: "Operations",
    operationId: "apiReferenceBundle",
    summary: "The API reference's browser bundle, served from the installed package",
    responses: { 200: { description: "JavaScript", schema: z.string(), mediaType: "text/javascript" } },
  },
  storedFile: {
    route: "/files/[...path]",
    method: "get",
    access: "public",
    security: [{ fileSignature: [] }],
    params: z.object({
      path: z.array(z.string()).meta({ param: { description: "The file's path in the file storage, slashes included, e.g. documents/contract.pdf" } }),
    }),
    query: z.object({
      expires: z.string().optional().meta({ description: "Unix seconds after which the link is refused" }),
      signature: z.string().optional().meta({ description: "HMAC-SHA256 over the path and expiry" }),
    }),
    tag: "Files",
    operationId: "storedFile",
    summary: "A stored document or photo, for whoever holds its signed link (Symphonics, the dashboard)",
    responses: {
      200: {
        description: "The file",
        schema: z.string().meta({ format: "binary" }),
        mediaType: ["application/pdf", "image/jpeg", "image/png", "image/webp", "application/octet-stream"],
      },
      400: "The path leaves the file storage",
      403: "The link is expired or not validly signed",
      404: "No such file",
    },
  },
  checkDossierFiles: {
    route: "/api/dashboard/interventions/[reference]/check-files",
    method: "post",
    access: "operator",
    params: referenceParams,
    tag: "Dashboard",
    operationId: "checkDossierFiles",
    summary: "Fetch every document and photo of the dossier through its signed links, as Symphonics does, and name those that fail (operator or admin)",
    responses: {
      200: {
        description: "What was checked, and the files that failed",
        schema: z
          .object({
            reference: z.string(),
            checkedAt: z.iso.datetime({ offset: true }),
            checked: z.number().int(),
            failed: z.array(z.object({ path: z.string(), ok: z.boolean(), httpStatus: z.number().int().nullable(), problem: z.string().nullable() })),
          })
          .meta({ id: "DossierFileCheck" }),
      },
      404: "Unknown reference",
      422: "Malformed reference",
    },
  },
  resolvePublication: {
    route: "/api/dashboard/interventions/[reference]/resolve",
    method: "post",
    access: "operator",
    params: referenceParams,
    body: z.object({ note: storableString(2000).pipe(z.string().trim().min(3, "must say how it was settled with Symphonics (at least 3 characters)")) }),
    tag: "Dashboard",
    operationId: "resolvePublication",
    summary: "Mark a dossier Symphonics rejected as resolved, with a note saying how it was settled (operator or admin; audited)",
    responses: {
      200: { description: "Resolved", schema: publishAcceptedSchema },
      404: "Unknown reference",
      409: "The publication is not a rejected dossier waiting for a person",
      422: "Malformed reference or note",
    },
  },
  acknowledgeAlert: {
    route: "/api/alerts/[id]/acknowledge",
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
  setOwnLocale: {
    route: "/api/me/locale",
    method: "put",
    access: "viewer",
    body: ownLocaleSchema,
    bodyExample: { locale: "fr" },
    tag: "Sign-in",
    operationId: "setOwnLocale",
    summary: "Choose the dashboard's language for the signed-in staff member (fr or en; null: follow the browser)",
    description: "Stored with the staff member, so it follows them from one browser to another. Only a signed-in staff member has a language: an API token gets 403.",
    responses: {
      200: { description: "The language now chosen", schema: ownLocaleSchema.meta({ id: "OwnLocale" }) },
      400: "The body is not valid JSON",
      403: "Not a signed-in staff member (an API token), or a cross-site request",
      422: "Not one of the product's languages",
    },
  },
} satisfies Record<string, Operation>;

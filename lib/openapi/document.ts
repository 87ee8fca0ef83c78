import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from "zod-openapi";
import { problemSchema } from "@/lib/http/problem";
import { DEFAULT_BODY_LIMIT } from "@/lib/http/request";
import { interventionInputSchema, interventionPatchSchema } from "@/lib/interventions/intake-schema";
import { operations, type Answer, type Operation } from "./operations";

const staffAuth: Record<string, string[]>[] = [{ apiToken: [] }, { session: [] }];

const problem = (description: string): ZodOpenApiResponseObject => ({ description, content: { "application/problem+json": { schema: problemSchema } } });

function answer(value: Answer): ZodOpenApiResponseObject {
  if (typeof value === "string") return problem(value);
  return { description: value.description, ...(value.headers ? { headers: value.headers } : {}), content: { [value.mediaType ?? "application/json"]: { schema: value.schema } } };
}

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`);

/** The answers `route()` itself gives: refused credentials, a malformed header, an unreadable JSON body. */
function routeAnswers(definition: Operation): Record<number, string> {
  const answers: Record<number, string> = {};
  if (definition.access !== "public") {
    answers[401] = "No or unknown API token or session (`unauthenticated`)";
    answers[403] = "The role is insufficient (`forbidden`), or a cookie-authenticated change came from another site (`cross_site_request`)";
  }
  if (definition.headers) answers[400] = "A header is malformed (`malformed_request`)";
  if (definition.body) {
    answers[400] = "The body is not valid JSON (`malformed_request`)";
    answers[413] = `The body is larger than ${size(definition.bodyLimitBytes ?? DEFAULT_BODY_LIMIT)} (\`payload_too_large\`)`;
    answers[415] = "The body is not sent as application/json (`unsupported_media_type`)";
  }
  return answers;
}

function operationObject(definition: Operation): ZodOpenApiOperationObject {
  const { params, query, body, bodyExample, signed } = definition;
  const headers = definition.headers ?? signed?.headers;
  const requestBody = body ? { schema: body, example: bodyExample } : signed && { schema: signed.body, example: signed.example };
  const responses = { ...routeAnswers(definition), ...definition.responses };
  return {
    tags: [definition.tag],
    operationId: definition.operationId,
    summary: definition.summary,
    ...(definition.description ? { description: definition.description } : {}),
    security: definition.access === "public" ? (definition.security ?? []) : staffAuth,
    requestParams: { ...(params ? { path: params } : {}), ...(query ? { query } : {}), ...(headers ? { header: headers } : {}) },
    ...(requestBody ? { requestBody: { required: true, content: { "application/json": requestBody } } } : {}),
    responses: Object.fromEntries(Object.entries(responses).map(([status, value]) => [status, answer(value)])),
  };
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, object> };
  [member: string]: unknown;
}

/**
 * The OpenAPI 3.1 document of the product's own API, built by zod-openapi from the very
 * definitions `route()` checks requests with (lib/openapi/operations.ts), and the schemas of
 * their answers.
 */
export function openApiDocument(): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const definition of Object.values(operations) as Operation[]) {
    paths[definition.path] = { ...paths[definition.path], [definition.method]: operationObject(definition) };
  }
  const document = createDocument(
    {
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
      paths,
      components: {
        schemas: { InterventionInput: interventionInputSchema, InterventionPatch: interventionPatchSchema },
        securitySchemes: {
          apiToken: { type: "http", scheme: "bearer", description: "An API token (`npm run token:create`)" },
          session: { type: "apiKey", in: "cookie", name: "next-auth.session-token", description: "A staff member's session after logging in" },
          metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN" },
          webhookSignature: { type: "apiKey", in: "header", name: "webhook-signature", description: "Standard Webhooks signature (v1,<base64 HMAC-SHA256>)" },
        },
      },
    },
    {
      // An answer may gain members without breaking its readers: only strict objects are closed.
      override: ({ jsonSchema, zodSchema, io }) => {
        const def = zodSchema._zod.def;
        if (io === "output" && def.type === "object" && !("catchall" in def && def.catchall) && jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
      },
    },
  );
  return document as unknown as OpenApiDocument;
}

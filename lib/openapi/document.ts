import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from "zod-openapi";
import { problemSchema } from "@/lib/http/problem";
import { DEFAULT_BODY_LIMIT } from "@/lib/http/request";
import { interventionInputSchema, interventionPatchSchema } from "@/lib/interventions/intake-schema";
import { acceptLanguage, operations, type Answer, type Operation } from "./operations";

const staffAuth: Record<string, string[]>[] = [{ apiToken: [] }, { session: [] }];

const problem = (description: string): ZodOpenApiResponseObject => ({ description, content: { "application/problem+json": { schema: problemSchema } } });

/** An error is described by a sentence (its body is a problem); so is a redirect, which has no body. */
function answer(status: number, value: Answer): ZodOpenApiResponseObject {
  if (typeof value === "string") return status >= 400 ? problem(value) : { description: value };
  const mediaTypes = [value.mediaType ?? "application/json"].flat();
  return {
    description: value.description,
    ...(value.headers ? { headers: value.headers } : {}),
    content: Object.fromEntries(mediaTypes.map((mediaType) => [mediaType, { schema: value.schema }])),
  };
}

/** The documented path of an operation: its own, or its route's with `{name}` for `[name]` and `[...name]`. */
export const documentedPath = (operation: Pick<Operation, "route" | "path">): string => operation.path ?? operation.route.replace(/\[(?:\.\.\.)?(\w+)\]/g, "{$1}");

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`);

/** The answers `route()` itself gives: refused credentials, a malformed path or header, an unreadable JSON body, unstorable text. */
function routeAnswers(definition: Operation): Record<number, string> {
  const answers: Record<number, string> = {};
  if (definition.params) answers[400] = "A path parameter is not valid percent-encoded UTF-8 (`malformed_request`)";
  if (definition.params || definition.query || definition.body) answers[422] = "A value is invalid, or holds a NUL character or an unpaired surrogate (`validation_failed`)";
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
  const { params, query, body, bodyExample, signed, form } = definition;
  const ownHeaders = definition.headers ?? signed?.headers;
  const headers = ownHeaders ? ownHeaders.extend(acceptLanguage.shape) : acceptLanguage;
  const json = body ? { schema: body, example: bodyExample } : signed && { schema: signed.body, example: signed.example };
  const requestBody = json ? { "application/json": json } : form && { "application/x-www-form-urlencoded": { schema: form } };
  const responses = { ...routeAnswers(definition), ...definition.responses };
  return {
    tags: [definition.tag],
    operationId: definition.operationId,
    summary: definition.summary,
    ...(definition.description ? { description: definition.description } : {}),
    security: definition.access === "public" ? (definition.security ?? []) : staffAuth,
    requestParams: { ...(params ? { path: params } : {}), ...(query ? { query } : {}), ...(headers ? { header: headers } : {}) },
    ...(requestBody ? { requestBody: { required: true, content: requestBody } } : {}),
    responses: Object.fromEntries(Object.entries(responses).map(([status, value]) => [status, answer(Number(status), value)])),
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
    const path = documentedPath(definition);
    paths[path] = { ...paths[path], [definition.method]: operationObject(definition) };
  }
  const document = createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: "Symphonics publications API",
        version: "1.0.0",
        description:
          "Every endpoint of the product: intake of interventions by the workforce application, manual publication and synchronisation status, the Symphonics webhook receiver, the dashboard's data, administration, sign-in, stored files, health, metrics and data protection. Errors are RFC 9457 problem details with a stable `code`; their `title` and `detail` follow `Accept-Language` (French or English, English by default), the code and field names never do; a method a path does not have answers 405 with `Allow`.",
      },
      servers: [{ url: "/" }],
      tags: [
        { name: "Interventions", description: "Intake by the workforce application" },
        { name: "Publication", description: "Publishing to Symphonics and where it stands" },
        { name: "Webhooks", description: "Called by Symphonics" },
        { name: "Dashboard", description: "The data behind the staff dashboard's pages" },
        { name: "Administration", description: "Staff accounts and API tokens (admins)" },
        { name: "Sign-in", description: "Staff sign-in (next-auth's endpoints)" },
        { name: "Files", description: "Stored documents and photos behind signed links" },
        { name: "Operations", description: "Health, metrics and this reference" },
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
          fileSignature: { type: "apiKey", in: "query", name: "signature", description: "The signed link's HMAC, with its `expires`" },
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

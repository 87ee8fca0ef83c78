import { route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/openapi/document";
import { operations } from "@/lib/openapi/operations";

/** GET /api/openapi — the OpenAPI 3.1 document of the product's API, for any staff member or API token. */
export const GET = route(operations.openApiDocument, async () => Response.json(openApiDocument(), { headers: { "cache-control": "private, max-age=300" } }));

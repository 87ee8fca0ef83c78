import { methods, route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/openapi/document";
import { operations } from "@/lib/openapi/operations";

/** GET /api/openapi — the OpenAPI 3.1 document of the product's API, for any staff member or API token. */
const serveDocument = route(operations.openApiDocument, async () => Response.json(openApiDocument(), { headers: { "cache-control": "private, max-age=300" } }));

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ GET: serveDocument });

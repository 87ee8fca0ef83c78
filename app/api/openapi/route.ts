import { route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/openapi/document";

/** GET /api/openapi — the OpenAPI 3.1 document of the product's API (public: it describes, it reveals nothing). */
export const GET = route(async () => Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } }));

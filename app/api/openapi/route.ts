import { requireRole } from "@/lib/auth/authenticate";
import { route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/openapi/document";

/** GET /api/openapi — the OpenAPI 3.1 document of the product's API, for any staff member or API token. */
export const GET = route(async (request: Request) => {
  await requireRole(request, "viewer");
  return Response.json(openApiDocument(), { headers: { "cache-control": "private, max-age=300" } });
});

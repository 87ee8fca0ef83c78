import { getDb } from "@/db/client";
import { countBySyncState } from "@/lib/dashboard/interventions";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** The list's per-state totals, for its state filters: asked apart from the page, less often. */
  GET: route(operations.dashboardPublicationTotals, async ({ query }) =>
    Response.json(await countBySyncState(getDb(), query), { headers: { "cache-control": "no-store" } }),
  ),
});

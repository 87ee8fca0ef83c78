import { getDb } from "@/db/client";
import { listInterventions } from "@/lib/dashboard/interventions";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** The interventions list behind the dashboard: filters, search, sort and keyset pages. */
  GET: route(operations.dashboardInterventions, async ({ query, locale }) =>
    Response.json(await listInterventions(getDb(), query, locale), { headers: { "cache-control": "no-store" } }),
  ),
});

import { getDb } from "@/db/client";
import { route } from "@/lib/http/route";
import { listInterventions, listQuerySchema } from "@/lib/dashboard/interventions";

/** The interventions list behind the dashboard: filters, search, sort and keyset pages. */
export const GET = route({ access: "viewer", query: listQuerySchema }, async ({ query }) =>
  Response.json(await listInterventions(getDb(), query), { headers: { "cache-control": "no-store" } }),
);

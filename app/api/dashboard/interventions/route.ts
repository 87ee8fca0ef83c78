import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { route } from "@/lib/http/route";
import { listInterventions, parseListQuery } from "@/lib/dashboard/interventions";

/** The interventions list behind the dashboard: filters, search, sort and keyset pages. */
export const GET = route(async (request: Request) => {
  await requireRole(request, "viewer");
  const query = parseListQuery(new URL(request.url).searchParams);
  return Response.json(await listInterventions(getDb(), query), { headers: { "cache-control": "no-store" } });
});

import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { route } from "@/lib/http/route";
import { overview, parseOverviewQuery } from "@/lib/dashboard/overview";

/** The overview page's data, polled every few seconds. */
export const GET = route(async (request: Request) => {
  await requireRole(request, "viewer");
  const query = parseOverviewQuery(new URL(request.url).searchParams);
  return Response.json(await overview(getDb(), query), { headers: { "cache-control": "no-store" } });
});

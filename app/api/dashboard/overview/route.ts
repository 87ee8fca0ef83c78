import { getDb } from "@/db/client";
import { overview } from "@/lib/dashboard/overview";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** The overview page's data, polled every few seconds. */
  GET: route(operations.dashboardOverview, async ({ query, locale }) => Response.json(await overview(getDb(), query, locale), { headers: { "cache-control": "no-store" } })),
});

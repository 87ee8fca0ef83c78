import { getDb } from "@/db/client";
import { route } from "@/lib/http/route";
import { overview, overviewQuerySchema } from "@/lib/dashboard/overview";

/** The overview page's data, polled every few seconds. */
export const GET = route({ access: "viewer", query: overviewQuerySchema }, async ({ query }) =>
  Response.json(await overview(getDb(), query), { headers: { "cache-control": "no-store" } }),
);

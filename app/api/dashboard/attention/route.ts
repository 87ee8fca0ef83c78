import { getDb } from "@/db/client";
import { listAttention } from "@/lib/dashboard/attention";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** Everything that needs a person: failed, needs review, rejected, or stuck longer than expected. */
  GET: route(operations.dashboardAttention, async ({ query, locale }) => Response.json(await listAttention(getDb(), query, locale), { headers: { "cache-control": "no-store" } })),
});

import { getDb } from "@/db/client";
import { route } from "@/lib/http/route";
import { attentionQuerySchema, listAttention } from "@/lib/dashboard/attention";

/** Everything that needs a person: failed, needs review, rejected, or stuck longer than expected. */
export const GET = route({ access: "viewer", query: attentionQuerySchema }, async ({ query }) =>
  Response.json(await listAttention(getDb(), query), { headers: { "cache-control": "no-store" } }),
);

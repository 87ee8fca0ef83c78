import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { route } from "@/lib/http/route";
import { listAttention, parseAttentionQuery } from "@/lib/dashboard/attention";

/** Everything that needs a person: failed, needs review, rejected, or stuck longer than expected. */
export const GET = route(async (request: Request) => {
  await requireRole(request, "viewer");
  const query = parseAttentionQuery(new URL(request.url).searchParams);
  return Response.json(await listAttention(getDb(), query), { headers: { "cache-control": "no-store" } });
});

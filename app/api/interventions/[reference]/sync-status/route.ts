import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { problems } from "@/lib/http/problem";
import { route } from "@/lib/http/route";
import { referenceSchema } from "@/lib/interventions/intake-schema";
import { syncStatusOf } from "@/lib/dashboard/publication";

type Context = { params: Promise<{ reference: string }> };

/** GET /api/interventions/{reference}/sync-status — where its publication stands (any role). */
export const GET = route(async (request: Request, context: Context) => {
  await requireRole(request, "viewer");
  const parsed = referenceSchema.safeParse((await context.params).reference);
  if (!parsed.success) throw problems.invalid([{ field: "reference", message: parsed.error.issues[0]!.message }]);
  const status = await syncStatusOf(getDb(), parsed.data);
  if (!status) throw problems.notFound(`No intervention has the reference ${parsed.data}.`);
  return Response.json(status);
});

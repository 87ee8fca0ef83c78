import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { problems } from "@/lib/http/problem";
import { route } from "@/lib/http/route";
import { referenceSchema } from "@/lib/interventions/intake-schema";
import { interventionDetail } from "@/lib/dashboard/intervention-detail";

type Context = { params: Promise<{ reference: string }> };

/** The intervention page's data: the intervention, its dossier, problems and publication history. */
export const GET = route(async (request: Request, context: Context) => {
  await requireRole(request, "viewer");
  const parsed = referenceSchema.safeParse((await context.params).reference);
  if (!parsed.success) throw problems.invalid([{ field: "reference", message: parsed.error.issues[0]!.message }]);
  const detail = await interventionDetail(getDb(), parsed.data);
  if (!detail) throw problems.notFound(`No intervention has the reference ${parsed.data}.`);
  return Response.json(detail, { headers: { "cache-control": "no-store" } });
});

import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { problems } from "@/lib/http/problem";
import { route } from "@/lib/http/route";
import { referenceSchema } from "@/lib/interventions/intake-schema";
import { exportBeneficiaryData } from "@/lib/privacy/beneficiary-data";

type Context = { params: Promise<{ reference: string }> };

/** GET: an admin exports the personal data of the beneficiary of intervention {reference}. */
export const GET = route(async (request: Request, context: Context) => {
  const actor = await requireRole(request, "admin");
  const parsed = referenceSchema.safeParse((await context.params).reference);
  if (!parsed.success) throw problems.invalid([{ field: "reference", message: parsed.error.issues[0]!.message }]);
  const data = await exportBeneficiaryData(getDb(), parsed.data, actor);
  return Response.json(data, {
    headers: { "content-disposition": `attachment; filename="beneficiary-${parsed.data}.json"`, "cache-control": "no-store" },
  });
});

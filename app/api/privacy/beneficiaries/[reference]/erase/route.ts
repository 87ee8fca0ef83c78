import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { problems } from "@/lib/http/problem";
import { route } from "@/lib/http/route";
import { referenceSchema } from "@/lib/interventions/intake-schema";
import { eraseBeneficiaryData } from "@/lib/privacy/beneficiary-data";
import { fileStorage } from "@/lib/storage/files";

type Context = { params: Promise<{ reference: string }> };

/** POST: an admin erases the personal data of the beneficiary of intervention {reference}; the publication history stays. */
export const POST = route(async (request: Request, context: Context) => {
  const actor = await requireRole(request, "admin");
  const parsed = referenceSchema.safeParse((await context.params).reference);
  if (!parsed.success) throw problems.invalid([{ field: "reference", message: parsed.error.issues[0]!.message }]);
  const result = await eraseBeneficiaryData(getDb(), parsed.data, actor, fileStorage.absolutePath);
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});

import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { problems } from "@/lib/http/problem";
import { route } from "@/lib/http/route";
import { referenceSchema } from "@/lib/interventions/intake-schema";
import { requestPublication } from "@/lib/publication/manual";
import { publicationQueue } from "@/lib/publication/queue";
import { fileStorage } from "@/lib/storage/files";

type Context = { params: Promise<{ reference: string }> };

/** POST /api/interventions/{reference}/publish — publish now (operator or admin). */
export const POST = route(async (request: Request, context: Context) => {
  const actor = await requireRole(request, "operator");
  const parsed = referenceSchema.safeParse((await context.params).reference);
  if (!parsed.success) throw problems.invalid([{ field: "reference", message: parsed.error.issues[0]!.message }]);
  const publication = await requestPublication(getDb(), parsed.data, actor, {
    signUrl: (path, anchor) => fileStorage.signedUrl(path, anchor),
    fileExists: (path) => fileStorage.exists(path),
    queue: publicationQueue(),
  });
  return Response.json({ reference: parsed.data, publication }, { status: 202 });
});

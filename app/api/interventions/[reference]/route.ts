import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { interventionInputSchema, interventionPatchSchema, referenceSchema } from "@/lib/interventions/intake-schema";
import { patchIntervention, putIntervention } from "@/lib/interventions/intake";
import { getInterventionView } from "@/lib/dashboard/intake-view";
import { problems, zodProblems } from "@/lib/http/problem";
import { expectedVersion, readJsonBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";

type Context = { params: Promise<{ reference: string }> };

async function referenceOf(context: Context): Promise<string> {
  const { reference } = await context.params;
  const parsed = referenceSchema.safeParse(reference);
  if (!parsed.success) throw problems.invalid([{ field: "reference", message: parsed.error.issues[0]!.message }]);
  return parsed.data;
}

async function respondWithView(reference: string, status: number): Promise<Response> {
  const view = await getInterventionView(getDb(), reference);
  if (!view) throw problems.notFound(`No intervention has the reference ${reference}.`);
  return Response.json(view, { status, headers: { etag: `"${view.version}"` } });
}

export const GET = route(async (request: Request, context: Context) => {
  await requireRole(request, "viewer");
  return respondWithView(await referenceOf(context), 200);
});

export const PUT = route(async (request: Request, context: Context) => {
  const actor = await requireRole(request, "operator");
  const reference = await referenceOf(context);
  const version = expectedVersion(request);
  const parsed = interventionInputSchema.safeParse(await readJsonBody(request));
  if (!parsed.success) throw problems.invalid(zodProblems(parsed.error));
  const { created } = await putIntervention(getDb(), reference, parsed.data, actor, { expectedVersion: version });
  return respondWithView(reference, created ? 201 : 200);
});

export const PATCH = route(async (request: Request, context: Context) => {
  const actor = await requireRole(request, "operator");
  const reference = await referenceOf(context);
  const version = expectedVersion(request);
  const parsed = interventionPatchSchema.safeParse(await readJsonBody(request));
  if (!parsed.success) throw problems.invalid(zodProblems(parsed.error));
  await patchIntervention(getDb(), reference, parsed.data, actor, { expectedVersion: version });
  return respondWithView(reference, 200);
});

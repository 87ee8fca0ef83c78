import { getDb } from "@/db/client";
import { getInterventionView } from "@/lib/dashboard/intake-view";
import { AppError } from "@/lib/errors";
import { patchIntervention, putIntervention } from "@/lib/interventions/intake";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

async function respondWithView(reference: string, status: number): Promise<Response> {
  const view = await getInterventionView(getDb(), reference);
  if (!view) throw new AppError("not_found", { key: "noIntervention", values: { reference } });
  return Response.json(view, { status, headers: { etag: `"${view.version}"` } });
}

const read = route(operations.getIntervention, async ({ params }) => respondWithView(params.reference, 200));

const replace = route(operations.putIntervention, async ({ principal, params, headers, body }) => {
  const { created } = await putIntervention(getDb(), params.reference, body, principal, { expectedVersion: headers["If-Match"] });
  return respondWithView(params.reference, created ? 201 : 200);
});

const change = route(operations.patchIntervention, async ({ principal, params, headers, body }) => {
  await patchIntervention(getDb(), params.reference, body, principal, { expectedVersion: headers["If-Match"] });
  return respondWithView(params.reference, 200);
});

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ GET: read, PUT: replace, PATCH: change });

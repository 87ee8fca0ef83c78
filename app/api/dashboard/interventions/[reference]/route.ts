import { getDb } from "@/db/client";
import { interventionDetail } from "@/lib/dashboard/intervention-detail";
import { AppError } from "@/lib/errors";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** The intervention page's data: the intervention, its dossier, problems and publication history. */
  GET: route(operations.dashboardIntervention, async ({ params: { reference }, locale }) => {
    const detail = await interventionDetail(getDb(), reference, locale);
    if (!detail) throw new AppError("not_found", { key: "noIntervention", values: { reference } });
    return Response.json(detail, { headers: { "cache-control": "no-store" } });
  }),
});

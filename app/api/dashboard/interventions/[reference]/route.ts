import { z } from "zod";
import { getDb } from "@/db/client";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { referenceSchema } from "@/lib/interventions/intake-schema";
import { interventionDetail } from "@/lib/dashboard/intervention-detail";

/** The intervention page's data: the intervention, its dossier, problems and publication history. */
export const GET = route({ access: "viewer", params: z.object({ reference: referenceSchema }) }, async ({ params: { reference } }) => {
  const detail = await interventionDetail(getDb(), reference);
  if (!detail) throw new AppError("not_found", `No intervention has the reference ${reference}.`);
  return Response.json(detail, { headers: { "cache-control": "no-store" } });
});

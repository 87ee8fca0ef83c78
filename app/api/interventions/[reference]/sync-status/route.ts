import { getDb } from "@/db/client";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { syncStatusOf } from "@/lib/dashboard/publication";
import { operations } from "@/lib/openapi/operations";

/** GET /api/interventions/{reference}/sync-status — where its publication stands (any role). */
export const GET = route(operations.getSyncStatus, async ({ params: { reference } }) => {
  const status = await syncStatusOf(getDb(), reference);
  if (!status) throw new AppError("not_found", `No intervention has the reference ${reference}.`);
  return Response.json(status);
});

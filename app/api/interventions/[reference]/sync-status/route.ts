import { getDb } from "@/db/client";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";
import { syncStatusOf } from "@/lib/publication/sync-state";

/** GET /api/interventions/{reference}/sync-status — where its publication stands (any role). */
export const GET = route(operations.getSyncStatus, async ({ params: { reference } }) => {
  const status = await syncStatusOf(getDb(), reference);
  if (!status) throw new AppError("not_found", `No intervention has the reference ${reference}.`);
  return Response.json(status);
});

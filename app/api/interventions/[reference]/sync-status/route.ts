import { getDb } from "@/db/client";
import { AppError } from "@/lib/errors";
import { methods, route } from "@/lib/http/route";
import { syncStatusOf } from "@/lib/dashboard/publication";
import { operations } from "@/lib/openapi/operations";

/** GET /api/interventions/{reference}/sync-status — where its publication stands (any role). */
const syncStatus = route(operations.getSyncStatus, async ({ params: { reference }, locale }) => {
  const status = await syncStatusOf(getDb(), reference, locale);
  if (!status) throw new AppError("not_found", { key: "noIntervention", values: { reference } });
  return Response.json(status);
});

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ GET: syncStatus });

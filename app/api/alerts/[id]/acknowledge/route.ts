import { getDb } from "@/db/client";
import { acknowledgeAlert } from "@/lib/alerts/alerts";
import { toIsoOrNull } from "@/lib/dates";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** POST /api/alerts/{id}/acknowledge — an operator has seen the alert (audited). */
  POST: route(operations.acknowledgeAlert, async ({ principal, params: { id } }) => {
    const alert = await acknowledgeAlert(getDb(), id, principal);
    return Response.json({ id: alert.id, kind: alert.kind, acknowledged_at: toIsoOrNull(alert.acknowledgedAt), acknowledged_by: alert.acknowledgedBy });
  }),
});

import { getDb } from "@/db/client";
import { acknowledgeAlert } from "@/lib/alerts/alerts";
import { toIsoOrNull } from "@/lib/dates";
import { route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

/** POST /api/alerts/{id}/acknowledge — an operator has seen the alert (audited). */
export const POST = route(operations.acknowledgeAlert, async ({ principal, params: { id } }) => {
  const alert = await acknowledgeAlert(getDb(), id, principal);
  return Response.json({ id: alert.id, kind: alert.kind, acknowledged_at: toIsoOrNull(alert.acknowledgedAt), acknowledged_by: alert.acknowledgedBy });
});

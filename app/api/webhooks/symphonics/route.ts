import { getDb } from "@/db/client";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { readRawBody } from "@/lib/http/request";
import { methods, route, validBody } from "@/lib/http/route";
import { recordWebhookSignatureFailure } from "@/lib/notifications/webhook-signature-failures";
import { observeWebhook } from "@/lib/observability/pipeline-observations";
import { operations } from "@/lib/openapi/operations";
import { receiveWebhook, verifyWebhook, webhookSecrets } from "@/lib/publication/webhooks";

const { signed } = operations.receiveSymphonicsWebhook;

/** POST /api/webhooks/symphonics — dossier status changes, signed per Standard Webhooks. */
const receive = route(operations.receiveSymphonicsWebhook, async ({ request }) => {
  const rawBody = await readRawBody(request, signed.limitBytes);
  const headers = {
    id: request.headers.get("webhook-id"),
    timestamp: request.headers.get("webhook-timestamp"),
    signature: request.headers.get("webhook-signature"),
  };
  const verification = verifyWebhook(rawBody, headers, webhookSecrets(config().SYMPHONICS_WEBHOOK_SECRET));
  if (!verification.ok) {
    await recordWebhookSignatureFailure(getDb(), verification.reason);
    throw new AppError("invalid_signature", verification.reason);
  }

  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    throw new AppError("malformed_request", "The webhook body is not JSON.");
  }
  const event = validBody(signed.body, payload);
  const outcome = await receiveWebhook(getDb(), headers.id!, event, payload);
  await observeWebhook(getDb(), { type: event.type, outcome, dossierId: event.data?.dossierId, externalReference: event.data?.externalReference });
  return Response.json({ received: true, outcome }, { status: 200 });
});

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ POST: receive });

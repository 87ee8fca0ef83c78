import { getDb } from "@/db/client";
import { config } from "@/lib/config";
import { Problem, problems, zodProblems } from "@/lib/http/problem";
import { readRawBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { recordWebhookSignatureFailure } from "@/lib/notifications/webhook-signature-failures";
import { observeWebhook } from "@/lib/observability/pipeline-observations";
import { receiveWebhook, verifyWebhook, webhookBodySchema, webhookSecrets } from "@/lib/publication/webhooks";

/** Symphonics' events are a few hundred bytes; anything far larger is not one. */
const BODY_LIMIT = 64 * 1024;

/** POST /api/webhooks/symphonics — dossier status changes, signed per Standard Webhooks. */
export const POST = route(async (request: Request) => {
  const rawBody = await readRawBody(request, BODY_LIMIT);
  const headers = {
    id: request.headers.get("webhook-id"),
    timestamp: request.headers.get("webhook-timestamp"),
    signature: request.headers.get("webhook-signature"),
  };
  const verification = verifyWebhook(rawBody, headers, webhookSecrets(config().SYMPHONICS_WEBHOOK_SECRET));
  if (!verification.ok) {
    await recordWebhookSignatureFailure(getDb(), verification.reason);
    throw new Problem({ status: 401, title: "Invalid webhook signature", code: "invalid_signature", detail: verification.reason });
  }

  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    throw problems.malformed("The webhook body is not JSON.");
  }
  const parsed = webhookBodySchema.safeParse(payload);
  if (!parsed.success) throw problems.invalid(zodProblems(parsed.error));
  const outcome = await receiveWebhook(getDb(), headers.id!, parsed.data, payload);
  await observeWebhook(getDb(), { type: parsed.data.type, outcome, dossierId: parsed.data.data?.dossierId, externalReference: parsed.data.data?.externalReference });
  return Response.json({ received: true, outcome }, { status: 200 });
});

import { getDb } from "@/db/client";
import { enqueuePublication } from "@/jobs/queues";
import { config } from "@/lib/config";
import { route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";
import { requestPublication } from "@/lib/publication/manual";
import { fileStorage } from "@/lib/storage/files";

/** POST /api/interventions/{reference}/publish — publish now (operator or admin). */
export const POST = route(operations.publishIntervention, async ({ principal, params: { reference } }) => {
  const publication = await requestPublication(getDb(), reference, principal, {
    signUrl: (path, anchor) => fileStorage.signedUrl(path, anchor),
    fileExists: (path) => fileStorage.exists(path),
    enqueue: async (tx, interventionId, who) => {
      await enqueuePublication(tx, config().DATABASE_URL, { interventionId, trigger: "manual", triggeredBy: who.label });
    },
  });
  return Response.json({ reference, publication }, { status: 202 });
});

import { getDb } from "@/db/client";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";
import { requestPublication } from "@/lib/publication/manual";
import { publicationQueue } from "@/lib/publication/queue";
import { fileStorage } from "@/lib/storage/files";

/** POST /api/interventions/{reference}/publish — publish now (operator or admin). */
const publish = route(operations.publishIntervention, async ({ principal, params: { reference } }) => {
  const publication = await requestPublication(getDb(), reference, principal, {
    signUrl: (path, anchor) => fileStorage.signedUrl(path, anchor),
    fileExists: (path) => fileStorage.exists(path),
    queue: publicationQueue(),
  });
  return Response.json({ reference, publication }, { status: 202 });
});

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ POST: publish });

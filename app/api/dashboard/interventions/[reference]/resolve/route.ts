import { getDb } from "@/db/client";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";
import { resolvePublication } from "@/lib/publication/manual";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** Marks a dossier Symphonics rejected as resolved, with the operator's note (audited). */
  POST: route(operations.resolvePublication, async ({ principal, params: { reference }, body }) => {
    const publication = await resolvePublication(getDb(), reference, principal, body.note);
    return Response.json({ reference, publication });
  }),
});

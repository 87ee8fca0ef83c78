import { z } from "zod";
import { getDb } from "@/db/client";
import { route } from "@/lib/http/route";
import { referenceSchema } from "@/lib/interventions/intake-schema";
import { resolvePublication } from "@/lib/publication/manual";
import { storableString } from "@/lib/values";

const resolution = z.object({ note: storableString(2000).pipe(z.string().trim().min(3, "must say how it was settled with Symphonics (at least 3 characters)")) });

/** Marks a dossier Symphonics rejected as resolved, with the operator's note (audited). */
export const POST = route(
  { access: "operator", params: z.object({ reference: referenceSchema }), body: resolution },
  async ({ principal, params: { reference }, body }) => {
    const publication = await resolvePublication(getDb(), reference, principal, body.note);
    return Response.json({ reference, publication });
  },
);

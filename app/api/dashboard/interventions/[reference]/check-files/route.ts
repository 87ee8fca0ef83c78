import { z } from "zod";
import { getDb } from "@/db/client";
import { config } from "@/lib/config";
import { route } from "@/lib/http/route";
import { referenceSchema } from "@/lib/interventions/intake-schema";
import { checkDossierFiles } from "@/lib/publication/manual";
import { fileStorage } from "@/lib/storage/files";

/** Fetches every document and photo of the intervention through its signed links and names those that fail (operator). */
export const POST = route({ access: "operator", params: z.object({ reference: referenceSchema }) }, async ({ principal, params: { reference } }) => {
  const check = await checkDossierFiles(getDb(), reference, principal, {
    signUrl: (path, anchor) => fileStorage.signedUrl(path, anchor),
    fetchBase: config().PUBLIC_BASE_URL,
  });
  return Response.json(check, { headers: { "cache-control": "no-store" } });
});

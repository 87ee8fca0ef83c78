import { getDb } from "@/db/client";
import { config } from "@/lib/config";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";
import { checkDossierFiles } from "@/lib/publication/manual";
import { fileStorage } from "@/lib/storage/files";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** Fetches every document and photo of the intervention through its signed links and names those that fail (operator). */
  POST: route(operations.checkDossierFiles, async ({ principal, params: { reference } }) => {
    const check = await checkDossierFiles(getDb(), reference, principal, {
      signUrl: (path, anchor) => fileStorage.signedUrl(path, anchor),
      fetchBase: config().PUBLIC_BASE_URL,
    });
    return Response.json(check, { headers: { "cache-control": "no-store" } });
  }),
});

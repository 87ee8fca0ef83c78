import { z } from "zod";
import { getDb } from "@/db/client";
import { listApiTokens, revokeApiToken } from "@/lib/auth/staff-admin";
import { route } from "@/lib/http/route";

/** Revokes a token at once; revoking a revoked token changes nothing. */
export const DELETE = route({ access: "admin", params: z.object({ id: z.uuid("must be an API token id (a UUID)") }) }, async ({ principal, params: { id } }) => {
  await revokeApiToken(getDb(), id, principal);
  return Response.json({ token: (await listApiTokens(getDb())).find((t) => t.id === id) });
});

import { getDb } from "@/db/client";
import { listApiTokens, revokeApiToken } from "@/lib/auth/staff-admin";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** Revokes a token at once; revoking a revoked token changes nothing. */
  DELETE: route(operations.revokeApiToken, async ({ principal, params: { id } }) => {
    await revokeApiToken(getDb(), id, principal);
    return Response.json({ token: (await listApiTokens(getDb())).find((t) => t.id === id) });
  }),
});

import { getDb } from "@/db/client";
import { addApiToken, listApiTokens } from "@/lib/auth/staff-admin";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  GET: route(operations.listApiTokens, async () => Response.json({ tokens: await listApiTokens(getDb()) }, { headers: { "cache-control": "no-store" } })),
  /** Creates a token; the answer is the only time its secret value is ever shown. */
  POST: route(operations.createApiToken, async ({ principal, body }) => {
    const { id, token } = await addApiToken(getDb(), body, principal);
    const summary = (await listApiTokens(getDb())).find((t) => t.id === id);
    return Response.json({ token: summary, secret: token }, { status: 201, headers: { "cache-control": "no-store" } });
  }),
});

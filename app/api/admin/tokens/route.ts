import { getDb } from "@/db/client";
import { addApiToken, listApiTokens, newApiTokenSchema } from "@/lib/auth/staff-admin";
import { route } from "@/lib/http/route";

export const GET = route({ access: "admin" }, async () => Response.json({ tokens: await listApiTokens(getDb()) }, { headers: { "cache-control": "no-store" } }));

/** Creates a token; the answer is the only time its secret value is ever shown. */
export const POST = route({ access: "admin", body: newApiTokenSchema, bodyLimitBytes: 16 * 1024 }, async ({ principal, body }) => {
  const { id, token } = await addApiToken(getDb(), body, principal);
  const summary = (await listApiTokens(getDb())).find((t) => t.id === id);
  return Response.json({ token: summary, secret: token }, { status: 201, headers: { "cache-control": "no-store" } });
});

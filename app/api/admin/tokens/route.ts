import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { addApiToken, listApiTokens, newApiTokenSchema } from "@/lib/auth/staff-admin";
import { problems, zodProblems } from "@/lib/http/problem";
import { readJsonBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";

export const GET = route(async (request: Request) => {
  await requireRole(request, "admin");
  return Response.json({ tokens: await listApiTokens(getDb()) }, { headers: { "cache-control": "no-store" } });
});

/** Creates a token; the answer is the only time its secret value is ever shown. */
export const POST = route(async (request: Request) => {
  const actor = await requireRole(request, "admin");
  const parsed = newApiTokenSchema.safeParse(await readJsonBody(request, 16 * 1024));
  if (!parsed.success) throw problems.invalid(zodProblems(parsed.error));
  const { id, token } = await addApiToken(getDb(), parsed.data, actor);
  const summary = (await listApiTokens(getDb())).find((t) => t.id === id);
  return Response.json({ token: summary, secret: token }, { status: 201, headers: { "cache-control": "no-store" } });
});

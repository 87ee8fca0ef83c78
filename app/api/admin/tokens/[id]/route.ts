import { z } from "zod";
import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { listApiTokens, revokeApiToken } from "@/lib/auth/staff-admin";
import { problems } from "@/lib/http/problem";
import { route } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };

/** Revokes a token at once; revoking a revoked token changes nothing. */
export const DELETE = route(async (request: Request, context: Context) => {
  const actor = await requireRole(request, "admin");
  const id = (await context.params).id;
  if (!z.uuid().safeParse(id).success) throw problems.invalid([{ field: "id", message: "must be an API token id (a UUID)" }]);
  await revokeApiToken(getDb(), id, actor);
  return Response.json({ token: (await listApiTokens(getDb())).find((t) => t.id === id) });
});

import { z } from "zod";
import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { changeUser, listUsers, userChangeSchema } from "@/lib/auth/staff-admin";
import { problems, zodProblems } from "@/lib/http/problem";
import { readJsonBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };

/** Changes a staff account: role, disabled (takes effect on the user's next request), unlock, password. */
export const PATCH = route(async (request: Request, context: Context) => {
  const actor = await requireRole(request, "admin");
  const id = (await context.params).id;
  if (!z.uuid().safeParse(id).success) throw problems.invalid([{ field: "id", message: "must be a user id (a UUID)" }]);
  const parsed = userChangeSchema.safeParse(await readJsonBody(request, 16 * 1024));
  if (!parsed.success) throw problems.invalid(zodProblems(parsed.error));
  await changeUser(getDb(), id, parsed.data, actor);
  return Response.json({ user: (await listUsers(getDb())).find((u) => u.id === id) });
});

import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/authenticate";
import { addUser, listUsers } from "@/lib/auth/staff-admin";
import { newUserSchema } from "@/lib/auth/users";
import { problems, zodProblems } from "@/lib/http/problem";
import { readJsonBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";

export const GET = route(async (request: Request) => {
  await requireRole(request, "admin");
  return Response.json({ users: await listUsers(getDb()) }, { headers: { "cache-control": "no-store" } });
});

export const POST = route(async (request: Request) => {
  const actor = await requireRole(request, "admin");
  const parsed = newUserSchema.safeParse(await readJsonBody(request, 16 * 1024));
  if (!parsed.success) throw problems.invalid(zodProblems(parsed.error));
  const { id } = await addUser(getDb(), parsed.data, actor);
  const user = (await listUsers(getDb())).find((u) => u.id === id);
  return Response.json({ user }, { status: 201 });
});

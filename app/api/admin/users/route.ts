import { getDb } from "@/db/client";
import { addUser, listUsers } from "@/lib/auth/staff-admin";
import { newUserSchema } from "@/lib/auth/users";
import { route } from "@/lib/http/route";

export const GET = route({ access: "admin" }, async () => Response.json({ users: await listUsers(getDb()) }, { headers: { "cache-control": "no-store" } }));

export const POST = route({ access: "admin", body: newUserSchema, bodyLimitBytes: 16 * 1024 }, async ({ principal, body }) => {
  const { id } = await addUser(getDb(), body, principal);
  const user = (await listUsers(getDb())).find((u) => u.id === id);
  return Response.json({ user }, { status: 201 });
});

import { getDb } from "@/db/client";
import { addUser, listUsers } from "@/lib/auth/staff-admin";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  GET: route(operations.listUsers, async () => Response.json({ users: await listUsers(getDb()) }, { headers: { "cache-control": "no-store" } })),
  POST: route(operations.createUser, async ({ principal, body }) => {
    const { id } = await addUser(getDb(), body, principal);
    const user = (await listUsers(getDb())).find((u) => u.id === id);
    return Response.json({ user }, { status: 201 });
  }),
});

import { getDb } from "@/db/client";
import { changeUser, listUsers } from "@/lib/auth/staff-admin";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** Changes a staff account: role, disabled (takes effect on the user's next request), unlock, password. */
  PATCH: route(operations.changeUser, async ({ principal, params: { id }, body }) => {
    await changeUser(getDb(), id, body, principal);
    return Response.json({ user: (await listUsers(getDb())).find((u) => u.id === id) });
  }),
});

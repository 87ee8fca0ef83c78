import { z } from "zod";
import { getDb } from "@/db/client";
import { changeUser, listUsers, userChangeSchema } from "@/lib/auth/staff-admin";
import { route } from "@/lib/http/route";

/** Changes a staff account: role, disabled (takes effect on the user's next request), unlock, password. */
export const PATCH = route(
  { access: "admin", params: z.object({ id: z.uuid("must be a user id (a UUID)") }), body: userChangeSchema, bodyLimitBytes: 16 * 1024 },
  async ({ principal, params: { id }, body }) => {
    await changeUser(getDb(), id, body, principal);
    return Response.json({ user: (await listUsers(getDb())).find((u) => u.id === id) });
  },
);

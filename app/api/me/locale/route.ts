import { getDb } from "@/db/client";
import { setOwnLocale } from "@/lib/auth/preferences";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** PUT /api/me/locale — the header's language switch. */
  PUT: route(operations.setOwnLocale, async ({ principal, body }) => Response.json({ locale: await setOwnLocale(getDb(), principal, body.locale) })),
});

import { route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

/** Liveness: the process answers. Deliberately touches nothing else, so a database outage does not get the app restarted. */
export const GET = route(operations.liveness, async () => Response.json({ status: "alive" }, { headers: { "cache-control": "no-store" } }));

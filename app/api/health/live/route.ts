import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

/** Liveness: the process answers. Deliberately touches nothing else, so a database outage does not get the app restarted. */
const liveness = route(operations.liveness, async () => Response.json({ status: "alive" }, { headers: { "cache-control": "no-store" } }));

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ GET: liveness });

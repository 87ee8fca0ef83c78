import { route } from "@/lib/http/route";

/** Liveness: the process answers. Deliberately touches nothing else, so a database outage does not get the app restarted. */
export const GET = route(async () => Response.json({ status: "alive" }, { headers: { "cache-control": "no-store" } }));

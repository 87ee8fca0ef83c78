import { getDb } from "@/db/client";
import { config } from "@/lib/config";
import { methods, route } from "@/lib/http/route";
import { checkReadiness } from "@/lib/observability/health";
import { operations } from "@/lib/openapi/operations";

export const dynamic = "force-dynamic";

/** Readiness for a load balancer: 200 when ready or degraded (still able to serve), 503 when not. */
const readiness = route(operations.readiness, async () => {
  const readiness = await checkReadiness(getDb(), { heartbeatMaxAgeSeconds: config().WORKER_HEARTBEAT_MAX_AGE_SECONDS });
  return Response.json(readiness, { status: readiness.status === "not_ready" ? 503 : 200, headers: { "cache-control": "no-store" } });
});

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ GET: readiness });

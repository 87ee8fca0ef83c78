import { config } from "@/lib/config";
import { methods, route } from "@/lib/http/route";
import { checkMetricsAccess } from "@/lib/observability/metrics-access";
import { metrics } from "@/lib/observability/metrics";
import { operations } from "@/lib/openapi/operations";

export const dynamic = "force-dynamic";

/** Prometheus text exposition of the web app's metrics (and the shared state read from the database). */
const scrape = route(operations.metrics, async ({ request }) => {
  checkMetricsAccess(request.headers.get("authorization"), config().METRICS_TOKEN);
  const registry = metrics().registry;
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
});

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ GET: scrape });

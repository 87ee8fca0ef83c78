import { timingSafeEqual } from "node:crypto";
import { Problem, problems } from "@/lib/http/problem";

/**
 * Scrapers authenticate with `Authorization: Bearer <METRICS_TOKEN>`. Without a configured token
 * (development only: production refuses to start without one) the metrics are open.
 */
export function checkMetricsAccess(authorization: string | null, token: string | undefined): void {
  if (!token) return;
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!given) throw problems.unauthenticated("Send `Authorization: Bearer <METRICS_TOKEN>`.");
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new Problem({ status: 401, title: "Authentication required", code: "invalid_metrics_token", detail: "The metrics token is wrong.", headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  }
}

import { timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/errors";

/**
 * Scrapers authenticate with `Authorization: Bearer <METRICS_TOKEN>`. Without a configured token
 * (development only: production refuses to start without one) the metrics are open.
 */
export function checkMetricsAccess(authorization: string | null, token: string | undefined): void {
  if (!token) return;
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!given) throw new AppError("unauthenticated", "Send `Authorization: Bearer <METRICS_TOKEN>`.");
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new AppError("invalid_metrics_token", "The metrics token is wrong.");
  }
}

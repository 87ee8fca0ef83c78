import { connect } from "@/db/client";
import type { Config } from "@/lib/config";
import { startAlertLoop } from "@/lib/notifications/alert-cycle";
import { startRetentionSchedule } from "@/lib/privacy/retention";
import { logger } from "./logger";
import { startMetricsServer } from "./metrics-server";

/**
 * The operations side of a worker process: its Prometheus endpoint, the alert cycle (evaluation
 * and delivery) and the retention purge. Every worker runs them; the cycle's delivery and the
 * purge take a PostgreSQL advisory lock, so several workers never do the same work twice.
 */
export async function startWorkerOperations(config: Config) {
  const connection = connect(config.DATABASE_URL, { max: 3 });
  // A busy port (a second worker on the same machine) costs that worker its metrics endpoint, not its work.
  const metricsServer =
    config.WORKER_METRICS_PORT > 0
      ? await startMetricsServer({ port: config.WORKER_METRICS_PORT, host: "0.0.0.0", token: config.METRICS_TOKEN }).catch((error: unknown) => {
          logger().error({ err: error, port: config.WORKER_METRICS_PORT }, "worker metrics port unavailable: this worker serves no metrics");
          return null;
        })
      : null;
  const alertLoop = startAlertLoop(connection.db, config);
  const retention = startRetentionSchedule(connection.db, config.RETENTION_DAYS);
  logger().info({ metricsPort: config.WORKER_METRICS_PORT || null, alertChannels: alertLoop.channels, retentionDays: config.RETENTION_DAYS }, "worker operations started");
  return {
    async stop() {
      alertLoop.stop();
      retention.stop();
      await metricsServer?.close();
      await connection.close();
    },
  };
}

import type { Database } from "@/db/client";
import type { Config } from "@/lib/config";
import { logger } from "@/lib/observability/logger";
import { configuredChannels, type AlertChannel } from "./channels";
import { deliverPendingAlerts } from "./delivery";
import { evaluateAlerts } from "./evaluator";

type AlertConfig = Pick<
  Config,
  | "ALERT_CIRCUIT_OPEN_SECONDS"
  | "ALERT_OLDEST_JOB_SECONDS"
  | "ALERT_SIGNATURE_FAILURES"
  | "ALERT_SIGNATURE_WINDOW_SECONDS"
  | "WEBHOOK_SILENCE_ALERT_MINUTES"
  | "ALERT_DIGEST_SECONDS"
  | "PUBLIC_BASE_URL"
> &
  Partial<Pick<Config, "ALERT_LOCALE">>;

/** One round: raise and resolve what the state says, then tell the configured channels. */
export async function runAlertCycle(db: Database, config: AlertConfig, channels: AlertChannel[]) {
  const evaluation = await evaluateAlerts(db, {
    circuitOpenSeconds: config.ALERT_CIRCUIT_OPEN_SECONDS,
    oldestJobSeconds: config.ALERT_OLDEST_JOB_SECONDS,
    signatureFailures: config.ALERT_SIGNATURE_FAILURES,
    signatureWindowSeconds: config.ALERT_SIGNATURE_WINDOW_SECONDS,
    webhookSilenceSeconds: config.WEBHOOK_SILENCE_ALERT_MINUTES * 60,
  });
  const delivery = await deliverPendingAlerts(db, channels, { digestSeconds: config.ALERT_DIGEST_SECONDS, appUrl: `${config.PUBLIC_BASE_URL}/`, locale: config.ALERT_LOCALE });
  return { ...evaluation, delivery };
}

/** Runs the alert cycle every ALERT_EVALUATION_SECONDS in this process (each worker runs one; delivery is locked). */
export function startAlertLoop(db: Database, config: AlertConfig & Pick<Config, "ALERT_EVALUATION_SECONDS"> & Parameters<typeof configuredChannels>[0]) {
  const channels = configuredChannels(config);
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runAlertCycle(db, config, channels);
    } catch (error) {
      logger().error({ err: error }, "alert cycle failed");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), config.ALERT_EVALUATION_SECONDS * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer), channels: channels.map((c) => c.name) };
}

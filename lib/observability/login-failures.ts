import { logger } from "./logger";
import { metrics } from "./metrics";

/** A failed staff sign-in (the email is not logged: it is personal data). */
export function observeLoginFailure(reason: "invalid" | "locked"): void {
  metrics().loginFailures.inc({ reason });
  logger().warn({ reason }, "sign-in refused");
}

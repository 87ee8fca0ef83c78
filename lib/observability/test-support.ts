import { Writable } from "node:stream";
import { logger, sendLogsTo } from "./logger";

/** Captures every log line written from now on, as the JSON objects pino wrote. */
export function captureLogs() {
  let text = "";
  sendLogsTo(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    }),
  );
  // The suite runs at "warn" to keep its output readable; what is captured is everything.
  logger().level = "info";
  return {
    /** Everything written, exactly as it would reach stdout. */
    text: () => text,
    lines: () =>
      text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    clear: () => {
      text = "";
    },
  };
}

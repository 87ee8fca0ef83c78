import pino, { type DestinationStream, type Logger } from "pino";
import { currentCorrelationId } from "./correlation";
import { redact, scrubText } from "./redaction";

/**
 * The product's structured log: one JSON object per line on stdout, each carrying the correlation
 * id of the request or job it belongs to. Everything logged goes through `redact`, so a secret or
 * a beneficiary's personal data never reaches a line, whichever key or message carries it.
 */
function build(destination?: DestinationStream): Logger {
  return pino(
    {
      // Read directly: logging must work before (and when) the rest of the configuration fails to validate.
      level: process.env.LOG_LEVEL ?? "info",
      base: { service: "symphonics-publisher" },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: "message",
      // Errors are serialised by `redact` (type, scrubbed message and stack), not by pino's own.
      serializers: { err: (error: unknown) => error },
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId ? { correlationId } : {};
      },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redact(object) as Record<string, unknown>,
      },
      hooks: {
        // Messages are free text: scrub them as well (pino passes them apart from the object).
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === "string" ? scrubText(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

// One logger per process, kept across Next.js dev reloads; tests swap its destination.
const globalForLog = globalThis as unknown as { __logger?: Logger };

export function logger(): Logger {
  globalForLog.__logger ??= build();
  return globalForLog.__logger;
}

/** Sends every later log line to `destination` (tests capture the lines this way). */
export function sendLogsTo(destination: DestinationStream): void {
  globalForLog.__logger = build(destination);
}

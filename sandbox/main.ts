// `npm run sandbox`: the Symphonics sandbox as a separate program, configured by environment.
import { z } from "zod";
import { startSandbox } from "./server";

const number = (schema: z.ZodNumber) => z.coerce.number().pipe(schema).optional();
const rate = number(z.number().min(0).max(1));
const flag = z
  .enum(["true", "false", "1", "0"], { error: "must be true, false, 1 or 0" })
  .transform((v) => v === "true" || v === "1")
  .optional();

const env = z.object({
  SANDBOX_PORT: number(z.number().int().min(0).max(65_535)),
  SANDBOX_HOST: z.string().min(1).optional(),
  SANDBOX_CLIENT_ID: z.string().min(1).default("sandbox-client"),
  SANDBOX_CLIENT_SECRET: z.string().min(1).default("sandbox-secret"),
  SANDBOX_TOKEN_LIFETIME_SECONDS: number(z.number().int().min(1)),
  SANDBOX_RATE_LIMIT: z
    .string()
    .regex(/^(?:off|\d+(?:\.\d+)?\/\d+)$/, 'must be "<perSecond>/<burst>", e.g. 20/40, or "off"')
    .transform((v) => {
      if (v === "off") return false as const;
      const [perSecond, burst] = v.split("/").map(Number) as [number, number];
      return { perSecond, burst };
    })
    .optional(),
  SANDBOX_WEBHOOK_URL: z.url().optional(),
  SANDBOX_WEBHOOK_SECRET: z.string().startsWith("whsec_").optional(),
  SANDBOX_WEBHOOKS: flag,
  SANDBOX_PROCESSING_DELAY_MS: number(z.number().int().min(0)),
  SANDBOX_FETCH_HTTPS_AS_HTTP: flag,
  SANDBOX_ERROR_RATE: rate,
  SANDBOX_LATENCY_MS: number(z.number().int().min(0).max(60_000)),
  SANDBOX_DROP_AFTER_STORE_RATE: rate,
  SANDBOX_RESET_RATE: rate,
  SANDBOX_WEBHOOK_DUPLICATE_RATE: rate,
  SANDBOX_WEBHOOK_REORDER: flag,
  SANDBOX_LOG: flag,
});

// Unset and empty variables both mean "use the default".
const present = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith("SANDBOX_") && v !== ""));
const parsed = env.safeParse(present);
if (!parsed.success) {
  const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  console.error(`Invalid sandbox configuration:\n${lines.join("\n")}`);
  process.exit(1);
}
const e = parsed.data;

const faults = Object.fromEntries(
  Object.entries({
    errorRate: e.SANDBOX_ERROR_RATE,
    latencyMs: e.SANDBOX_LATENCY_MS,
    dropAfterStoreRate: e.SANDBOX_DROP_AFTER_STORE_RATE,
    resetRate: e.SANDBOX_RESET_RATE,
    webhookDuplicateRate: e.SANDBOX_WEBHOOK_DUPLICATE_RATE,
    webhookReorder: e.SANDBOX_WEBHOOK_REORDER,
  }).filter(([, v]) => v !== undefined),
);

try {
  const sandbox = await startSandbox({
    port: e.SANDBOX_PORT,
    host: e.SANDBOX_HOST,
    clients: [{ clientId: e.SANDBOX_CLIENT_ID, clientSecret: e.SANDBOX_CLIENT_SECRET }],
    tokenLifetimeSeconds: e.SANDBOX_TOKEN_LIFETIME_SECONDS,
    rateLimit: e.SANDBOX_RATE_LIMIT,
    webhookUrl: e.SANDBOX_WEBHOOK_URL,
    webhookSecret: e.SANDBOX_WEBHOOK_SECRET,
    webhooks: e.SANDBOX_WEBHOOKS,
    processingDelayMs: e.SANDBOX_PROCESSING_DELAY_MS,
    fetchHttpsAsHttp: e.SANDBOX_FETCH_HTTPS_AS_HTTP,
    faults,
    logger: e.SANDBOX_LOG,
  });
  console.log(`Symphonics sandbox listening on ${sandbox.url} (control: ${sandbox.url.replace(/\/crm$/, "/_sandbox/")})`);
  const stop = (signal: string) => {
    console.log(`${signal}: stopping the sandbox`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  console.error(error instanceof z.ZodError ? `Invalid sandbox configuration:\n${z.prettifyError(error)}` : error);
  process.exit(1);
}

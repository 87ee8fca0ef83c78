import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig as parseEnv } from "./config";

// Next.js types NODE_ENV as always present; these environments leave it out on purpose.
const parseConfig = (env: Record<string, string>) => parseEnv(env as unknown as NodeJS.ProcessEnv);

const base = { DATABASE_URL: "postgres://localhost/app" };
const productionSecrets = {
  NODE_ENV: "production",
  FILE_URL_SECRET: "a-production-file-url-secret",
  METRICS_TOKEN: "a-production-metrics-token",
  SYMPHONICS_CLIENT_SECRET: "the-real-client-secret",
  SYMPHONICS_WEBHOOK_SECRET: "whsec_cmVhbC13ZWJob29rLXNlY3JldC1mcm9tLXN5bXBob25pY3M=",
};

function problemsOf(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
}

describe("configuration of operations", () => {
  it("gives development working defaults: no channel, open metrics, 90 days of retention", () => {
    const config = parseConfig(base);
    expect(config).toMatchObject({ LOG_LEVEL: "info", WORKER_METRICS_PORT: 9464, RETENTION_DAYS: 90, ALERT_DIGEST_SECONDS: 900, ALERT_CIRCUIT_OPEN_SECONDS: 600, ALERT_OLDEST_JOB_SECONDS: 900 });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.ALERT_WEBHOOK_URL).toBeUndefined();
    expect(config.METRICS_TOKEN).toBeUndefined();
  });

  it("names each missing or invalid variable in one message", () => {
    const message = problemsOf({
      SMTP_URL: "http://mail.example",
      ALERT_EMAIL_TO: "not-an-address",
      ALERT_WEBHOOK_URL: "chat",
      RETENTION_DAYS: "0",
      WORKER_METRICS_PORT: "70000",
      METRICS_TOKEN: "short",
      LOG_LEVEL: "loud",
    });
    for (const name of ["DATABASE_URL", "SMTP_URL", "ALERT_EMAIL_TO", "ALERT_WEBHOOK_URL", "RETENTION_DAYS", "WORKER_METRICS_PORT", "METRICS_TOKEN", "LOG_LEVEL"]) {
      expect(message).toMatch(new RegExp(`^  ${name}: `, "m"));
    }
  });

  it("refuses alert emails without a mail relay", () => {
    expect(problemsOf({ ...base, ALERT_EMAIL_TO: "ops@installer.example" })).toContain("SMTP_URL: must be set when ALERT_EMAIL_TO is");
    expect(parseConfig({ ...base, ALERT_EMAIL_TO: "ops@installer.example, oncall@installer.example", SMTP_URL: "smtps://user:pw@mail.example:465" }).ALERT_EMAIL_TO).toBe(
      "ops@installer.example, oncall@installer.example",
    );
  });

  it("refuses to start in production without its secrets, naming each", () => {
    const message = problemsOf({ ...base, NODE_ENV: "production" });
    for (const name of ["FILE_URL_SECRET", "METRICS_TOKEN", "SYMPHONICS_CLIENT_SECRET", "SYMPHONICS_WEBHOOK_SECRET"]) expect(message).toMatch(new RegExp(`^  ${name}: must be set`, "m"));
    expect(parseConfig({ ...base, ...productionSecrets }).NODE_ENV).toBe("production");
  });
});

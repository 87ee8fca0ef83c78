import path from "node:path";
import { z } from "zod";

/**
 * Configuration read from the environment, validated once. Development gets working defaults;
 * production refuses to start without its secrets, naming each missing or invalid variable.
 */
const DEV_FILE_URL_SECRET = "dev-only-file-url-secret-change-me";

const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z.string().url(),
    PUBLIC_BASE_URL: z.string().url().default("http://localhost:3000"),
    /** Base of the signed file URLs sent to Symphonics, which requires https. */
    FILES_PUBLIC_BASE_URL: z.string().url().optional(),
    FILE_STORAGE_DIR: z.string().min(1).default(path.join(process.cwd(), ".data", "files")),
    FILE_URL_SECRET: z.string().min(16).default(DEV_FILE_URL_SECRET),
    /** Signed file URLs stay valid this long; Symphonics needs at least 7 days. */
    FILE_URL_TTL_DAYS: z.coerce.number().int().min(7).max(365).default(14),
    SYMPHONICS_BASE_URL: z.string().url().default("http://127.0.0.1:4010/crm"),
    SYMPHONICS_CLIENT_ID: z.string().min(1).default("sandbox-client"),
    SYMPHONICS_CLIENT_SECRET: z.string().min(1).default("sandbox-secret"),
    SYMPHONICS_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]+(\s+whsec_[A-Za-z0-9+/=]+)*$/, "must be one or more whsec_<base64> secrets separated by spaces").default("whsec_c2FuZGJveC13ZWJob29rLXNlY3JldC0zMmJ5dGVzISE="),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    if (env.FILE_URL_SECRET === DEV_FILE_URL_SECRET) {
      ctx.addIssue({ code: "custom", path: ["FILE_URL_SECRET"], message: "must be set to a secret of at least 16 characters in production" });
    }
  });

export type Config = z.infer<typeof configSchema> & { FILES_PUBLIC_BASE_URL: string };

export class ConfigError extends Error {}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return { ...parsed.data, FILES_PUBLIC_BASE_URL: parsed.data.FILES_PUBLIC_BASE_URL ?? parsed.data.PUBLIC_BASE_URL };
}

let cached: { env: string; config: Config } | undefined;

/** The process's configuration; re-read when DATABASE_URL changes (each test file has its own). */
export function config(): Config {
  const key = `${process.env.DATABASE_URL}|${process.env.FILE_STORAGE_DIR}|${process.env.FILES_PUBLIC_BASE_URL}`;
  if (cached?.env !== key) cached = { env: key, config: parseConfig(process.env) };
  return cached.config;
}

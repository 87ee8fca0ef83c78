/**
 * What must never reach a log line: credentials (tokens, secrets, passwords, Authorization and
 * cookie headers) and the beneficiary's personal data (names, email, phone, address). Keys are
 * matched wherever they appear in a logged object, whatever their case or spelling style, and
 * free text (messages, error messages) is scrubbed of the values that can be recognised by shape.
 */
export const REDACTED = "[redacted]";

const normalise = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Normalised key names (lower-case, no separators) whose values are always hidden. */
const SENSITIVE_KEYS = new Set(
  [
    // credentials
    "authorization", "cookie", "set-cookie", "password", "passwordHash", "secret", "clientSecret", "client_secret",
    "token", "accessToken", "access_token", "refreshToken", "idToken", "apiToken", "apiKey", "tokenHash",
    "webhookSecret", "signature", "webhook-signature", "smtpUrl", "SMTP_URL", "pass", "credentials",
    // beneficiary personal data, in the workforce app's, the database's and Symphonics' spellings
    "firstName", "lastName", "beneficiary_first_name", "beneficiary_last_name", "name", "fullName",
    "email", "beneficiary_email", "phone", "beneficiary_phone", "mobile", "address", "street", "addressLine",
    "pdl", "pce", "customer", "beneficiary",
    // the values of a refused SQL statement (postgres' `parameters`, drizzle's `params`): any of the above
    "parameters", "params", "args",
  ].map(normalise),
);

/** Keys that end like a secret are hidden too: FILE_URL_SECRET, symphonicsClientSecret, x-api-token… */
const SENSITIVE_SUFFIXES = ["secret", "token", "password", "apikey"];

export function isSensitiveKey(key: string): boolean {
  const normalised = normalise(key);
  return SENSITIVE_KEYS.has(normalised) || SENSITIVE_SUFFIXES.some((suffix) => normalised.endsWith(suffix));
}

/**
 * Patterns run on free text, each only when a cheap test says it can match, and each bounded, so
 * that scrubbing stays linear in the (already truncated) text whatever an attacker puts in a path.
 */
const TEXT_PATTERNS: { when: (text: string) => boolean; pattern: RegExp; replacement: string }[] = [
  { when: (t) => /bearer|basic/i.test(t), pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, replacement: `$1 ${REDACTED}` },
  // credentials inside URLs: smtp://user:password@host
  { when: (t) => t.includes("://") && t.includes("@"), pattern: /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/:@]{1,256}:[^\s/@]{1,256}@/gi, replacement: `$1${REDACTED}@` },
  { when: (t) => t.includes("_token"), pattern: /("(?:access|refresh|id)_token"\s*:\s*")(?:[^"\\]|\\.)*"/gi, replacement: `$1${REDACTED}"` },
  { when: (t) => t.includes("whsec_"), pattern: /\bwhsec_[A-Za-z0-9+/=]+/g, replacement: REDACTED },
  { when: (t) => t.includes("@"), pattern: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g, replacement: REDACTED },
  // phone numbers: + or 0 followed by at least 8 more digits, spaces, dots or dashes between them
  { when: (t) => /\d/.test(t), pattern: /(?<![\w-])(?:\+|00|0)\d(?:[ .-]?\d){7,13}(?![\w-])/g, replacement: REDACTED },
  // drizzle's "Failed query: … params: <the row's values>"
  { when: (t) => t.includes("params:"), pattern: /\nparams: .*/gs, replacement: `\nparams: ${REDACTED}` },
];

/** Longer free text is cut before any pattern runs: a log line needs no more, and the cost stays bounded. */
export const MAX_TEXT_LENGTH = 2_048;

/** Free text with every recognisable credential, email address and phone number replaced. */
export function scrubText(text: string): string {
  let out = text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH)}…[truncated ${text.length - MAX_TEXT_LENGTH} characters]` : text;
  for (const { when, pattern, replacement } of TEXT_PATTERNS) if (when(out)) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 8;

/** A copy of a value to log, with sensitive keys hidden and free text scrubbed, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (value instanceof Date) return value;
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Headers) return redact(Object.fromEntries(value.entries()), depth);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = isSensitiveKey(key) ? REDACTED : redact(item, depth + 1);
  return out;
}

/**
 * PostgreSQL's errors (postgres.js) carry the statement and its parameters, and their messages can
 * quote a refused value (`invalid input syntax for type uuid: "…"`): only what locates the fault
 * is kept — the SQLSTATE, the table, column and constraint, the server routine.
 */
function isDatabaseError(error: Error): error is Error & Record<string, unknown> {
  return error.name === "PostgresError" || ("severity" in error && "routine" in error && typeof (error as { code?: unknown }).code === "string");
}

function redactDatabaseError(error: Error & Record<string, unknown>): Record<string, unknown> {
  const located = { table: error.table_name, column: error.column_name, constraint: error.constraint_name, routine: error.routine };
  return {
    type: error.name,
    code: error.code,
    severity: error.severity,
    message: `PostgreSQL refused the statement (SQLSTATE ${String(error.code)})`,
    ...Object.fromEntries(Object.entries(located).filter(([, value]) => typeof value === "string")),
  };
}

/** The stack's frames only: its first lines repeat the message, which is logged scrubbed apart. */
function stackFrames(stack: string): string {
  return scrubText(
    stack
      .split("\n")
      .filter((line) => /^\s+at /.test(line))
      .join("\n"),
  );
}

function redactError(error: Error, depth: number): Record<string, unknown> {
  if (isDatabaseError(error)) return redactDatabaseError(error);
  // Only the facts an error carries (code, errno, status…): libraries hang whole objects on their
  // errors (pg its client with its connection settings), which would flood a line or leak.
  const facts = Object.fromEntries(Object.entries(error).filter(([, value]) => ["string", "number", "boolean"].includes(typeof value)));
  const extra = redact(facts, depth + 1) as Record<string, unknown>;
  return {
    ...extra,
    type: error.name,
    message: scrubText(error.message),
    ...(error.stack ? { stack: stackFrames(error.stack) } : {}),
    ...(error.cause !== undefined ? { cause: redact(error.cause, depth + 1) } : {}),
  };
}

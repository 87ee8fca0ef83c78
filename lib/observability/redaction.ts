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
  ].map(normalise),
);

/** Keys that end like a secret are hidden too: FILE_URL_SECRET, symphonicsClientSecret, x-api-token… */
const SENSITIVE_SUFFIXES = ["secret", "token", "password", "apikey"];

export function isSensitiveKey(key: string): boolean {
  const normalised = normalise(key);
  return SENSITIVE_KEYS.has(normalised) || SENSITIVE_SUFFIXES.some((suffix) => normalised.endsWith(suffix));
}

const TEXT_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // credentials inside URLs: smtp://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
  [/("(?:access|refresh|id)_token"\s*:\s*")(?:[^"\\]|\\.)*"/gi, `$1${REDACTED}"`],
  [/\bwhsec_[A-Za-z0-9+/=]+/g, REDACTED],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, REDACTED],
  // phone numbers: + or 0 followed by at least 8 more digits, spaces, dots or dashes between them
  [/(?<![\w-])(?:\+|00|0)\d(?:[ .-]?\d){7,13}(?![\w-])/g, REDACTED],
];

/** Free text with every recognisable credential, email address and phone number replaced. */
export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
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

function redactError(error: Error, depth: number): Record<string, unknown> {
  const extra = redact({ ...error }, depth + 1) as Record<string, unknown>;
  return {
    ...extra,
    type: error.name,
    message: scrubText(error.message),
    ...(error.stack ? { stack: scrubText(error.stack) } : {}),
    ...(error.cause !== undefined ? { cause: redact(error.cause, depth + 1) } : {}),
  };
}

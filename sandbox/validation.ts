// Request-body validation for §3.1 and §3.2 of the Symphonics contract.
//
// Strictest readings chosen where the contract is ambiguous (documented in README.md):
// - unknown fields anywhere in a request body are refused (`unknown_field`), so a client that
//   sends a misspelt or undocumented field finds out here rather than in production;
// - optional fields must be omitted: `null` is refused for every field, not only `pce`;
// - "N characters" counts Unicode code points; every text must be non-blank, and only the
//   names (whose rule says "after trimming") are measured after trimming;
// - `completedAt` must be RFC 3339 in UTC with a `Z` suffix (§2: "Timestamps are RFC 3339 in
//   UTC"), and must be a real calendar date (no leap second 60);
// - URLs must be RFC 3986 absolute `https` URLs (printable ASCII, well-formed %-escapes), with a
//   host and no user-info, since Symphonics downloads them "without further authentication".
import { z } from "zod";

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const MAX_PHOTOS_PER_CALL = 50;
export const MAX_PHOTOS_PER_DOSSIER = 2000;
export const EXTERNAL_REFERENCE = /^[A-Za-z0-9._:-]{1,64}$/;

const DOCUMENT_TYPES = ["contract", "quote", "invoice", "certificate", "other"] as const;

const codePoints = (s: string): number => Array.from(s).length;

/** A refinement whose failure carries one of our stable error codes. */
const rule = <T>(test: (v: T) => boolean, code: string, message: string, abort = true) =>
  z.refine<T>(test, { message, params: { code }, abort });

const typed = (expected: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${expected}`),
});

const nonBlank = rule<string>((s) => s.trim().length > 0, "required", "must not be empty");

function text(max: number, { trimmed }: { trimmed: boolean }) {
  return z
    .string(typed("a string"))
    .check(
      nonBlank,
      rule<string>((s) => codePoints(trimmed ? s.trim() : s) <= max, "too_long", `must be at most ${max} characters`),
    );
}

function pattern(re: RegExp, message: string) {
  return z.string(typed("a string")).check(nonBlank, rule<string>((s) => re.test(s), "invalid_format", message));
}

// RFC 5322 §3.4.1 addr-spec without the obsolete forms, comments and folding (CRLF) white space.
const ATEXT = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]";
const DOT_ATOM = `${ATEXT}+(?:\\.${ATEXT}+)*`;
const QUOTED_STRING = `"(?:[ \\t]*(?:[\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e]))*[ \\t]*"`;
const DOMAIN_LITERAL = `\\[(?:[ \\t]*[\\x21-\\x5a\\x5e-\\x7e])*[ \\t]*\\]`;
const ADDR_SPEC = new RegExp(`^(?:${DOT_ATOM}|${QUOTED_STRING})@(?:${DOT_ATOM}|${DOMAIN_LITERAL})$`);

const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$/;

function isRfc3339Utc(s: string): boolean {
  const m = RFC3339_UTC.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

const URI_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;

function isDownloadableHttpsUrl(s: string): boolean {
  if (!s.startsWith("https://") || !URI_CHARS.test(s) || BAD_PERCENT.test(s)) return false;
  const authority = s.slice("https://".length).split(/[/?#]/, 1)[0] ?? "";
  if (authority === "" || authority.includes("@")) return false;
  try {
    return new URL(s).hostname !== "";
  } catch {
    return false;
  }
}

const httpsUrl = z
  .string(typed("a string"))
  .check(
    rule<string>((s) => s.length > 0, "required", "must not be empty"),
    rule<string>((s) => s.length <= 2048, "too_long", "must be at most 2048 characters"),
    rule<string>(isDownloadableHttpsUrl, "invalid_url", "must be an absolute https URL"),
  );

const list = <T extends z.ZodType>(item: T, min: number, max: number) =>
  z
    .array(item, typed("an array"))
    .check(
      rule<unknown[]>((a) => a.length >= min, "required", `must have at least ${min} item${min === 1 ? "" : "s"}`),
      rule<unknown[]>((a) => a.length <= max, "too_many", `must have at most ${max} items`),
    );

const object = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape, typed("an object"));

const photo = object({ url: httpsUrl });

const createDossierSchema = object({
  externalReference: z
    .string(typed("a string"))
    .check(
      rule<string>((s) => s.length > 0, "required", "must not be empty"),
      rule<string>((s) => s.length <= 64, "too_long", "must be at most 64 characters"),
      rule<string>((s) => EXTERNAL_REFERENCE.test(s), "invalid_format", "only letters, digits and . _ : - are allowed"),
    ),
  completedAt: z
    .string(typed("a string"))
    .check(rule<string>(isRfc3339Utc, "invalid_format", "must be an RFC 3339 timestamp in UTC, e.g. 2026-11-20T15:42:00Z"))
    .optional(),
  customer: object({
    firstName: text(100, { trimmed: true }),
    lastName: text(100, { trimmed: true }),
    email: z
      .string(typed("a string"))
      .check(
        nonBlank,
        rule<string>((s) => s.length <= 254, "too_long", "must be at most 254 characters"),
        rule<string>((s) => ADDR_SPEC.test(s), "invalid_format", "must be a valid e-mail address"),
      ),
    phone: pattern(/^\+[1-9][0-9]{7,14}$/, "must be E.164, e.g. +33612345678"),
  }),
  installation: object({
    address: text(200, { trimmed: false }),
    postalCode: pattern(/^[0-9]{5}$/, "must be exactly 5 digits"),
    city: text(100, { trimmed: false }),
    pdl: pattern(/^[0-9]{14}$/, "must be exactly 14 digits"),
    pce: z
      .string({ error: "omit the field rather than send null" })
      .check(
        rule<string>((s) => s !== "", "invalid_format", "omit the field rather than send an empty string"),
        rule<string>((s) => /^(?:[0-9]{14}|GI[0-9]{6})$/.test(s), "invalid_format", "must be 14 digits, or GI followed by 6 digits"),
      )
      .optional(),
  }),
  services: list(object({ code: pattern(/^[A-Z]{3}-[A-Z]{2}-[0-9]{3}$/, "must be a CEE operation code, e.g. BAR-TH-171") }), 1, 20),
  equipment: list(object({ name: text(200, { trimmed: false }), model: text(200, { trimmed: false }) }), 1, 50),
  documents: list(
    object({
      type: z.enum(DOCUMENT_TYPES, { error: `must be one of ${DOCUMENT_TYPES.join(", ")}` }).optional(),
      url: httpsUrl,
    }),
    1,
    50,
  ),
  photos: list(photo, 0, MAX_PHOTOS_PER_CALL).optional(),
});

const addPhotosSchema = object({ photos: list(photo, 1, MAX_PHOTOS_PER_CALL) });

export type CreateDossierInput = z.infer<typeof createDossierSchema>;

export const validateCreateDossier = (body: unknown) => validate(createDossierSchema, body);
export const validateAddPhotos = (body: unknown) => validate(addPhotosSchema, body);

function validate<T>(schema: z.ZodType<T>, body: unknown): Validated<T> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: toFieldErrors(result.error.issues) };
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** One error per field (the first rule that failed), in document order. */
function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors = new Map<string, FieldError>();
  const add = (field: string, code: string, message: string) => {
    if (!errors.has(field)) errors.set(field, { field, code, message });
  };
  for (const issue of issues) {
    const field = formatPath(issue.path);
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) add(formatPath([...issue.path, key]), "unknown_field", "is not a known field");
        break;
      case "invalid_type":
        add(field, issue.input === undefined ? "required" : "invalid_type", issue.message);
        break;
      case "invalid_value":
        add(field, "invalid_value", issue.message);
        break;
      case "custom":
        add(field, String(issue.params?.code ?? "invalid_format"), issue.message);
        break;
      default:
        add(field, "invalid_format", issue.message);
    }
  }
  return [...errors.values()];
}

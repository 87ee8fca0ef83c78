import type { z } from "zod";
import { translator, type Messages } from "@/lib/i18n/catalogue";
import type { Locale } from "@/lib/i18n/locales";

/** One invalid field, named as the caller named it (e.g. `documents[2].signed_at`). */
export interface FieldProblem {
  field: string;
  message: string;
  /** When Symphonics refused the value: its own name of the field and its error code. */
  symphonics?: { field: string; code: string | null };
}

const conflict = { status: 409 } as const;
const unauthenticated = { status: 401 } as const;

/**
 * Every error code the product answers with, and what it means over HTTP. Domain code throws a
 * code; only the HTTP boundary (`route()`) reads the status and headers from here, and the title
 * in the caller's language from the catalogue's `problems.titles`.
 */
export const ERRORS = {
  malformed_request: { status: 400 },
  unauthenticated: { ...unauthenticated, headers: { "www-authenticate": 'Bearer realm="symphonics-publisher"' } },
  invalid_metrics_token: { ...unauthenticated, headers: { "www-authenticate": 'Bearer realm="metrics"' } },
  invalid_signature: { status: 401 },
  forbidden: { status: 403 },
  cross_site_request: { status: 403 },
  not_found: { status: 404 },
  method_not_allowed: { status: 405 },
  version_conflict: conflict,
  forbidden_transition: conflict,
  concurrent_create: conflict,
  already_published: conflict,
  publication_in_progress: conflict,
  publication_underway: conflict,
  email_taken: conflict,
  own_access: conflict,
  payload_too_large: { status: 413 },
  unsupported_media_type: { status: 415 },
  validation_failed: { status: 422 },
  internal_error: { status: 500 },
} as const satisfies Record<string, { status: number; headers?: Record<string, string> }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

export interface AppErrorDetails {
  /** One entry per invalid field. */
  errors?: FieldProblem[];
  /** Further members of the answer, e.g. the current version or the publication's state. */
  extra?: Record<string, unknown>;
}

/** A problem's sentence as the catalogue's `problems.details` holds it, so that it can be said in the caller's language. */
export interface DetailWords {
  key: keyof Messages["problems"]["details"];
  values?: Record<string, string | number>;
}

const problemWords = (locale: Locale) => translator(locale, "problems");

/** A problem's title in a language. */
export const problemTitle = (code: ErrorCode, locale: Locale): string => problemWords(locale)(`titles.${code}`);

/**
 * An expected failure, named by a stable code for programs, with a sentence for people: a
 * catalogue sentence (said in the caller's language), or a text of its own (always English:
 * messages from parsers and the partner).
 */
export class AppError extends Error {
  /** The sentence in English. */
  readonly detail?: string;
  readonly words?: DetailWords;

  constructor(
    readonly code: ErrorCode,
    detail?: string | DetailWords,
    readonly details: AppErrorDetails = {},
  ) {
    const text = typeof detail === "object" ? problemWords("en")(`details.${detail.key}`, detail.values) : detail;
    super(text ?? code);
    this.name = "AppError";
    this.detail = text;
    this.words = typeof detail === "object" ? detail : undefined;
  }

  /** The sentence in a language (a text of its own stays as written). */
  detailIn(locale: Locale): string | undefined {
    return this.words ? problemWords(locale)(`details.${this.words.key}`, this.words.values) : this.detail;
  }
}

/** Invalid values, one entry per field. */
export function validationFailed(errors: FieldProblem[], detail?: string | DetailWords): AppError {
  return new AppError("validation_failed", detail ?? { key: "invalidFields", values: { count: errors.length } }, { errors });
}

/** `a.b[2].c` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function zodProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path) || "(body)", message: issue.message }));
}

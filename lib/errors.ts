import type { z } from "zod";

/** One invalid field, named as the caller named it (e.g. `documents[2].signed_at`). */
export interface FieldProblem {
  field: string;
  message: string;
  /** When Symphonics refused the value: its own name of the field and its error code. */
  symphonics?: { field: string; code: string | null };
}

const conflict = { status: 409, title: "Conflict" } as const;
const unauthenticated = { status: 401, title: "Authentication required" } as const;

/**
 * Every error code the product answers with, and what it means over HTTP. Domain code throws a
 * code; only the HTTP boundary (`route()`) reads the status, title and headers from here.
 */
export const ERRORS = {
  malformed_request: { status: 400, title: "Malformed request" },
  unauthenticated: { ...unauthenticated, headers: { "www-authenticate": 'Bearer realm="symphonics-publisher"' } },
  invalid_metrics_token: { ...unauthenticated, headers: { "www-authenticate": 'Bearer realm="metrics"' } },
  invalid_signature: { status: 401, title: "Invalid webhook signature" },
  forbidden: { status: 403, title: "Forbidden" },
  cross_site_request: { status: 403, title: "Cross-site request refused" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  version_conflict: conflict,
  forbidden_transition: conflict,
  concurrent_create: conflict,
  already_published: conflict,
  publication_in_progress: conflict,
  publication_underway: conflict,
  email_taken: conflict,
  own_access: conflict,
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  validation_failed: { status: 422, title: "Validation failed" },
  internal_error: { status: 500, title: "Internal error" },
} as const satisfies Record<string, { status: number; title: string; headers?: Record<string, string> }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

export interface AppErrorDetails {
  /** One entry per invalid field. */
  errors?: FieldProblem[];
  /** Further members of the answer, e.g. the current version or the publication's state. */
  extra?: Record<string, unknown>;
}

/** An expected failure, named by a stable code for programs, with a sentence for people. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly details: AppErrorDetails = {},
  ) {
    super(detail ?? code);
    this.name = "AppError";
  }
}

/** Invalid values, one entry per field. */
export function validationFailed(errors: FieldProblem[], detail?: string): AppError {
  return new AppError("validation_failed", detail ?? `${errors.length} field${errors.length === 1 ? " is" : "s are"} invalid`, { errors });
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

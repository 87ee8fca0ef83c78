import { z } from "zod";

/** One invalid field, named as the caller named it (e.g. `documents[2].signed_at`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  title: string;
  detail?: string;
  /** Stable, for programs. */
  code: string;
  errors?: FieldProblem[];
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/** RFC 9457 problem details. Thrown by business code, turned into a response at the boundary. */
export class Problem extends Error {
  constructor(readonly init: ProblemInit) {
    super(init.detail ?? init.title);
  }

  toResponse(instance?: string): Response {
    const { status, title, detail, code, errors, headers, extra } = this.init;
    const body = {
      type: `/problems/${code.replaceAll("_", "-")}`,
      title,
      status,
      code,
      ...(detail ? { detail } : {}),
      ...(instance ? { instance } : {}),
      ...(errors?.length ? { errors } : {}),
      ...extra,
    };
    return new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/problem+json", ...headers },
    });
  }
}

export const problems = {
  malformed: (detail: string) => new Problem({ status: 400, title: "Malformed request", code: "malformed_request", detail }),
  unauthenticated: (detail = "Authentication is required: send `Authorization: Bearer <api token>` or log in.") =>
    new Problem({
      status: 401,
      title: "Authentication required",
      code: "unauthenticated",
      detail,
      headers: { "www-authenticate": 'Bearer realm="symphonics-publisher"' },
    }),
  forbidden: (detail: string) => new Problem({ status: 403, title: "Forbidden", code: "forbidden", detail }),
  notFound: (detail: string) => new Problem({ status: 404, title: "Not found", code: "not_found", detail }),
  conflict: (code: string, detail: string, extra?: Record<string, unknown>) =>
    new Problem({ status: 409, title: "Conflict", code, detail, extra }),
  tooLarge: (limitBytes: number) =>
    new Problem({
      status: 413,
      title: "Payload too large",
      code: "payload_too_large",
      detail: `The request body is larger than ${limitBytes} bytes.`,
    }),
  unsupportedMediaType: () =>
    new Problem({
      status: 415,
      title: "Unsupported media type",
      code: "unsupported_media_type",
      detail: "Send the body as application/json.",
    }),
  invalid: (errors: FieldProblem[], detail?: string) =>
    new Problem({
      status: 422,
      title: "Validation failed",
      code: "validation_failed",
      detail: detail ?? `${errors.length} field${errors.length === 1 ? " is" : "s are"} invalid`,
      errors,
    }),
};

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

// Small HTTP helpers shared by the API, token and control handlers. Handlers return a `Reply`
// value instead of writing to the response, so that the idempotency store can keep and replay
// exactly what was answered, and the server can log every outcome in one place.
import type { IncomingMessage } from "node:http";
import type { FieldError } from "./validation";

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The problem `code` (or OAuth `error`), for the ledger. */
  code: string | null;
}

/** The response is lost on purpose: "drop" closes the socket, "reset" sends a TCP RST. */
export type Outcome = Reply | { lost: "drop" | "reset" };

const MAX_BODY_BYTES = 1024 * 1024;
// Past the limit the body is still read and discarded, so that the client gets to read the 413
// instead of a broken pipe; past this much more, the connection is closed instead.
const DISCARD_LIMIT_BYTES = 16 * MAX_BODY_BYTES;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body), code: null };
}

const PROBLEM_TITLES: Record<string, string> = {
  malformed_request: "Malformed request",
  invalid_token: "Invalid token",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  dossier_exists: "Dossier exists",
  idempotency_key_in_use: "Idempotency key in use",
  payload_too_large: "Payload too large",
  validation_failed: "Validation failed",
  idempotency_key_reused: "Idempotency key reused",
  rate_limited: "Too many requests",
  internal_error: "Internal error",
  maintenance: "Maintenance",
};

export interface ProblemExtras {
  errors?: FieldError[];
  dossierId?: string;
  headers?: Record<string, string>;
}

/**
 * An RFC 9457 problem with the contract's stable `code`. Its `type` is a relative reference,
 * resolved against the sandbox's own address: the sandbox is not the partner's host.
 */
export function problem(status: number, code: string, detail: string, extras: ProblemExtras = {}): Reply {
  const body = {
    type: `/problems/${code.replaceAll("_", "-")}`,
    title: PROBLEM_TITLES[code] ?? code,
    status,
    code,
    detail,
    ...(extras.errors ? { errors: extras.errors } : {}),
    ...(extras.dossierId ? { dossierId: extras.dossierId } : {}),
  };
  return {
    status,
    headers: { "Content-Type": "application/problem+json", ...extras.headers },
    body: JSON.stringify(body),
    code,
  };
}

export function validationProblem(errors: FieldError[]): Reply {
  const detail = errors.length === 1 ? "1 field is invalid" : `${errors.length} fields are invalid`;
  return problem(422, "validation_failed", detail, { errors });
}

export type Body = { kind: "ok"; bytes: Buffer } | { kind: "too_large" } | { kind: "aborted" };

/** Reads a request body, refusing more than 1 MiB whether or not Content-Length announced it. */
export function readBody(req: IncomingMessage): Promise<Body> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > DISCARD_LIMIT_BYTES) return Promise.resolve({ kind: "too_large" });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (body: Body) => {
      if (settled) return;
      settled = true;
      resolve(body);
    };
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > DISCARD_LIMIT_BYTES) {
        req.pause();
        settle({ kind: "too_large" });
      } else if (size <= MAX_BODY_BYTES && declared <= MAX_BODY_BYTES) {
        chunks.push(chunk);
      }
    });
    req.on("end", () => {
      const tooLarge = size > MAX_BODY_BYTES || declared > MAX_BODY_BYTES;
      settle(tooLarge ? { kind: "too_large" } : { kind: "ok", bytes: Buffer.concat(chunks, size) });
    });
    req.on("error", () => settle({ kind: "aborted" }));
    req.on("close", () => settle({ kind: "aborted" }));
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Strict UTF-8 JSON: a byte-order mark or an invalid byte sequence is not JSON. */
export function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(utf8.decode(bytes)) };
  } catch {
    return { ok: false };
  }
}

/** The media type of a Content-Type header, lower-cased, with its charset parameter if any. */
export function mediaType(header: string | undefined): { type: string; charset: string | null } | null {
  if (!header) return null;
  const [type = "", ...params] = header.split(";").map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length).replaceAll('"', "") ?? null;
  return { type, charset };
}

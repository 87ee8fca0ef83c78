import { z } from "zod";
import { AppError } from "@/lib/errors";

/** Intake bodies are small JSON documents; 5,000 photo paths fit well under this. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const payloadTooLarge = (limitBytes: number) => new AppError("payload_too_large", { key: "payloadTooLarge", values: { limit: String(limitBytes) } });

/**
 * Reads a JSON body, refusing it before buffering more than `limitBytes` (a lying or absent
 * Content-Length does not get past the streamed count).
 */
export async function readJsonBody(request: Request, limitBytes = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) throw new AppError("unsupported_media_type", "Send the body as application/json.");
  if (!request.body) throw new AppError("malformed_request", { key: "noBody" });
  const text = await readRawBody(request, limitBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError("malformed_request", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The exact body as text (signatures are computed over it), refused with 413 before more than
 * `limitBytes` are buffered.
 */
export async function readRawBody(request: Request, limitBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limitBytes) throw payloadTooLarge(limitBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw payloadTooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8").decode(Buffer.concat(chunks));
}

/** `If-Match: "3"` (or W/"3", or 3) → 3; absent → undefined. */
export const ifMatchHeader = z
  .string()
  .regex(/^\s*(?:W\/)?"?\d{1,9}"?\s*$/, 'If-Match must be the version the intervention was read at, e.g. "3".')
  .transform((header) => Number(/\d+/.exec(header)![0]))
  .optional();

import { request, type Dispatcher } from "undici";

/**
 * One HTTP exchange through undici, reduced to what classification needs: the answer, or why
 * there was none and whether the request may already have reached Symphonics.
 */
export type Exchange =
  | { kind: "answer"; status: number; headers: Record<string, string | undefined>; body: string; durationMs: number }
  | { kind: "no_answer"; requestMayHaveArrived: boolean; reason: string; durationMs: number };

export interface ExchangeRequest {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** Answers are small JSON documents; anything bigger is cut (and then fails to parse). */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** Failures that happen before a single byte of the request was sent. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
const TLS_FAILURE = /^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT)/;

export async function exchange(dispatcher: Dispatcher, spec: ExchangeRequest): Promise<Exchange> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await request(spec.url, {
      dispatcher,
      method: spec.method,
      headers: spec.headers,
      body: spec.body,
      headersTimeout: spec.timeoutMs,
      bodyTimeout: spec.timeoutMs,
      // Bounds the whole exchange, connection and body included, whatever the server trickles.
      signal: AbortSignal.timeout(spec.timeoutMs),
    });
    const body = await readCapped(response.body);
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    return { kind: "answer", status: response.statusCode, headers, body, durationMs: elapsed() };
  } catch (error) {
    return { kind: "no_answer", ...describeFailure(error, spec.timeoutMs), durationMs: elapsed() };
  }
}

async function readCapped(body: Dispatcher.ResponseData["body"]): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    size += buffer.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  // Happy eyeballs report one error per address tried.
  const first = (error as { errors?: unknown[] }).errors?.[0];
  return first === undefined ? undefined : errorCode(first);
}

function describeFailure(error: unknown, timeoutMs: number): { requestMayHaveArrived: boolean; reason: string } {
  const code = errorCode(error);
  const name = error instanceof Error ? error.name : "";
  if (code && (NOT_SENT_CODES.has(code) || TLS_FAILURE.test(code))) {
    const detail = error instanceof Error && error.message ? `: ${error.message}` : "";
    return { requestMayHaveArrived: false, reason: `Could not connect to Symphonics (${code}${detail}).` };
  }
  if (name === "TimeoutError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_ABORTED") {
    return { requestMayHaveArrived: true, reason: `No complete answer within ${timeoutMs} ms.` };
  }
  const detail = error instanceof Error ? `${code ?? error.name}: ${error.message}` : String(error);
  return { requestMayHaveArrived: true, reason: `The connection failed during the exchange (${detail}).` };
}

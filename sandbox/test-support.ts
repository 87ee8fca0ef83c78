// Shared helpers for the sandbox's conformance tests (real HTTP against a sandbox on port 0).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";
import { startSandbox, type RunningSandbox, type SandboxOptions } from "./server";

export const CLIENT = { clientId: "sandbox-client", clientSecret: "sandbox-secret" };
export const BASIC = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString("base64")}`;
export const SECRET = `whsec_${Buffer.from("a test secret of at least 24 bytes").toString("base64")}`;

/** A sandbox for the current test file, closed after it. */
export async function sandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const sb = await startSandbox({ port: 0, ...options });
  afterAll(() => sb.close());
  return sb;
}

export function requestToken(sb: RunningSandbox, body = "grant_type=client_credentials&scope=dossiers:write%20dossiers:read", authorization = BASIC) {
  return fetch(`${sb.url}/oauth/token`, {
    method: "POST",
    headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
}

export async function token(sb: RunningSandbox, scope = "dossiers:write dossiers:read"): Promise<string> {
  const response = await requestToken(sb, new URLSearchParams({ grant_type: "client_credentials", scope }).toString());
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

let sequence = 0;
export const uniqueReference = () => `INT-TEST-${process.pid}-${++sequence}`;
export const uniqueKey = () => `key-${process.pid}-${++sequence}`;

export function validDossier(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalReference: uniqueReference(),
    completedAt: "2026-11-20T15:42:00Z",
    customer: { firstName: "Camille", lastName: "Durand", email: "camille.durand@example.fr", phone: "+33612345678" },
    installation: { address: "12 rue des Lilas", postalCode: "69003", city: "Lyon", pdl: "12345678901234", pce: "GI123456" },
    services: [{ code: "BAR-TH-171" }],
    equipment: [{ name: "Pompe à chaleur air/eau", model: "Daikin Altherma 3 H HT" }],
    documents: [{ type: "contract", url: "https://files.example.fr/d/abc?sig=1" }],
    photos: [{ url: "https://files.example.fr/p/def?sig=1" }],
    ...overrides,
  };
}

export interface PostOptions {
  token: string;
  key?: string | null;
  headers?: Record<string, string>;
}

export function post(sb: RunningSandbox, path: string, body: unknown, { token, key = uniqueKey(), headers = {} }: PostOptions) {
  return fetch(`${sb.url}${path}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      ...(key === null ? {} : { "Idempotency-Key": key }),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function get(sb: RunningSandbox, path: string, token: string) {
  return fetch(`${sb.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny local HTTP server answering `answer(path)`, recording every request it gets. */
export async function localServer(answer: (req: Received) => number | null = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = { path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      received.push(entry);
      const status = answer(entry);
      if (status === null) return; // never answer: a hanging receiver
      res.writeHead(status, { "Content-Type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as AddressInfo).port;
  return { origin: `http://127.0.0.1:${port}`, httpsOrigin: `https://127.0.0.1:${port}`, received };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; code: string; message: string }[];
  dossierId?: string;
}

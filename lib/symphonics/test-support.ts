import { Readable } from "node:stream";
import { Agent, type Dispatcher } from "undici";
import { afterAll } from "vitest";
import type { DossierPayload } from "@/lib/dossier/payload-schema";
import { startSandbox, type SandboxOptions } from "@/sandbox/server";
import { createSymphonicsClient, type SymphonicsClientConfig } from "./client";
import type { AttemptRecord } from "./outcomes";

/** Test support for the client: a sandbox per test file, and a way to watch and bend requests. */
export const CREDENTIALS = { clientId: "sandbox-client", clientSecret: "sandbox-secret-Zq9!x" };

export async function sandboxForFile(options: SandboxOptions = {}) {
  const sandbox = await startSandbox({ port: 0, clients: [CREDENTIALS], processingDelayMs: 600_000, ...options });
  afterAll(() => sandbox.close());
  return sandbox;
}

type Tamper = (options: Dispatcher.DispatchOptions) => Dispatcher.DispatchOptions;

/**
 * A keep-alive Agent that records every bearer token sent (to prove none leaks) and lets a test
 * alter requests on their way out, to make the sandbox produce answers a correct client never
 * provokes (missing key, malformed body, missing scope, a key still in use).
 */
export function watchedDispatcher() {
  const bearerTokens = new Set<string>();
  let tamper: Tamper | null = null;
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const dispatcher = agent.compose((dispatch) => (options, handler) => {
    const headers = (options.headers ?? {}) as Record<string, string>;
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
    if (bearer) bearerTokens.add(bearer);
    return dispatch(tamper ? tamper(options) : options, handler);
  });
  return {
    dispatcher,
    bearerTokens,
    tamperWith(next: Tamper | null) {
      tamper = next;
    },
    close: () => agent.close(),
  };
}

export function withHeaders(options: Dispatcher.DispatchOptions, change: (headers: Record<string, string>) => void): Dispatcher.DispatchOptions {
  const headers = { ...((options.headers ?? {}) as Record<string, string>) };
  change(headers);
  return { ...options, headers };
}

/** The body sent in two parts, the second after `delayMs`: the request stays in progress meanwhile. */
export function slowBody(body: string, delayMs: number): Readable {
  const half = Math.floor(body.length / 2);
  return Readable.from(
    (async function* () {
      yield Buffer.from(body.slice(0, half));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      yield Buffer.from(body.slice(half));
    })(),
  );
}

export function clientFor(url: string, dispatcher: Dispatcher, overrides: Partial<SymphonicsClientConfig> = {}) {
  return createSymphonicsClient({ baseUrl: url, ...CREDENTIALS, dispatcher, requestTimeoutMs: 5_000, ...overrides });
}

/** Collects the attempt records of the calls it is passed to. */
export function attemptLog() {
  const records: AttemptRecord[] = [];
  return { records, options: { onExchange: (record: AttemptRecord) => void records.push(record) } };
}

let sequence = 0;
export const uniqueReference = (prefix = "INT") => `${prefix}-${process.pid}-${Date.now() % 1_000_000}-${++sequence}`;

export const photoUrl = (reference: string, index: number) => `https://files.example.fr/files/${reference}/p${index}.jpg?expires=1795000000&signature=s`;

export function dossierPayload(overrides: Partial<DossierPayload> = {}, photoCount = 1): DossierPayload {
  const externalReference = overrides.externalReference ?? uniqueReference();
  return {
    externalReference,
    completedAt: "2026-11-20T15:42:00Z",
    customer: { firstName: "Camille", lastName: "Durand", email: "camille.durand@example.fr", phone: "+33612345678" },
    installation: { address: "12 rue des Lilas", postalCode: "69003", city: "Lyon", pdl: "12345678901234", pce: "GI123456" },
    services: [{ code: "BAR-TH-171" }],
    equipment: [{ name: "Pompe à chaleur air/eau", model: "Daikin Altherma 3 H HT" }],
    documents: [{ type: "contract", url: `https://files.example.fr/files/${externalReference}/contract.pdf?expires=1795000000&signature=s` }],
    ...(photoCount > 0 ? { photos: Array.from({ length: Math.min(photoCount, 50) }, (_, index) => ({ url: photoUrl(externalReference, index) })) } : {}),
    ...overrides,
  };
}

import type postgres from "postgres";
import { getConnection } from "@/db/client";
import { logger } from "@/lib/observability/logger";

/**
 * Live dashboard pages: the database announces every committed change a page shows (triggers of
 * db/migrations/0005_live_notifications.sql, on the channel below), one listening connection per
 * web process fans it out to every open event stream, and the pages refetch what changed.
 */
export const DASHBOARD_CHANGES_CHANNEL = "dashboard_changes";

export const CHANGE_KINDS = ["intervention", "publication", "attempt", "webhook", "staff_action", "alert", "circuit"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** What changed: which intervention (null for the whole pipeline: the circuit) and what kind of row. No personal data. */
export interface DashboardChange {
  reference: string | null;
  kind: ChangeKind;
}

/** A notification's payload, or null when it is not one the triggers send. */
export function parseChange(payload: string): DashboardChange | null {
  try {
    const value = JSON.parse(payload) as { reference?: unknown; kind?: unknown };
    if (!(CHANGE_KINDS as readonly unknown[]).includes(value.kind)) return null;
    return { reference: typeof value.reference === "string" ? value.reference : null, kind: value.kind as ChangeKind };
  } catch {
    return null;
  }
}

type Listener = (change: DashboardChange) => void;

interface Hub {
  listeners: Set<Listener>;
  /** The LISTEN, started with the first subscriber; postgres.js re-listens by itself after a lost connection. */
  listening: Promise<postgres.ListenMeta> | null;
}

// One hub per process, kept across Next.js dev reloads like the pool itself.
const globalForLive = globalThis as unknown as { __dashboardChanges?: Hub };

function hub(): Hub {
  globalForLive.__dashboardChanges ??= { listeners: new Set(), listening: null };
  return globalForLive.__dashboardChanges;
}

/**
 * Calls `listener` with every committed change until the returned function is called. Resolves
 * once the database listens, so nothing committed after it is missed. `sql` is the process's pool
 * unless a test gives its own.
 */
export async function subscribeToDashboardChanges(listener: Listener, sql: postgres.Sql = getConnection().sql): Promise<() => void> {
  const state = hub();
  state.listeners.add(listener);
  state.listening ??= sql
    .listen(DASHBOARD_CHANGES_CHANNEL, (payload) => {
      const change = parseChange(payload);
      if (!change) return;
      for (const each of state.listeners) each(change);
    })
    .catch((error: unknown) => {
      state.listening = null;
      throw error;
    });
  try {
    await state.listening;
  } catch (error) {
    state.listeners.delete(listener);
    logger().warn({ err: error }, "could not listen for dashboard changes");
    throw error;
  }
  return () => state.listeners.delete(listener);
}

/** How often an idle stream sends a comment, so proxies keep it open and a dead client is noticed. */
export const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();

/**
 * The `text/event-stream` body of `GET /api/dashboard/events`: a `change` event per committed
 * change, a comment every HEARTBEAT_MS, closed when the client goes (`signal`). Opens with a
 * `ready` event once the database listens, so a page knows it can relax its polling.
 */
export async function dashboardChangeStream(signal: AbortSignal, options: { heartbeatMs?: number; sql?: postgres.Sql } = {}): Promise<ReadableStream<Uint8Array<ArrayBuffer>>> {
  let controller!: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>>;
  let closed = false;
  const stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start: (c) => {
      controller = c;
    },
    cancel: () => close(),
  });
  const send = (text: string) => {
    if (!closed) controller.enqueue(encoder.encode(text));
  };
  const unsubscribe = await subscribeToDashboardChanges((change) => send(`event: change\ndata: ${JSON.stringify(change)}\n\n`), options.sql);
  const heartbeat = setInterval(() => send(": heartbeat\n\n"), options.heartbeatMs ?? HEARTBEAT_MS);
  function close() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    signal.removeEventListener("abort", close);
    try {
      controller.close();
    } catch {
      // Already cancelled by the reader.
    }
  }
  signal.addEventListener("abort", close);
  if (signal.aborted) close();
  // A retry hint for EventSource's own reconnection, then the greeting.
  send("retry: 2000\nevent: ready\ndata: {}\n\n");
  return stream;
}

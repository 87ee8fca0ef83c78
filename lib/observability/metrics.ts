import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { readOperationalState, type OperationalState } from "./operational-state";

/**
 * The product's Prometheus metrics. Counters and histograms count what this process did (the web
 * app answers requests and webhooks, the worker talks to Symphonics); gauges describing the
 * shared state (queue, circuit, publications, alerts) are read from PostgreSQL at scrape time, so
 * they are right whichever process is scraped and however many workers run.
 */
function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  // A scrape reads the database once, however many gauges it fills.
  let pending: Promise<OperationalState | null> | undefined;
  const state = (): Promise<OperationalState | null> => {
    pending ??= readOperationalState()
      .catch(() => null)
      .finally(() => setTimeout(() => (pending = undefined), 0));
    return pending;
  };

  const metrics = {
    registry,
    httpRequests: new Counter({
      name: "http_requests_total",
      help: "HTTP requests answered by the web app's API, by method, route and status",
      labelNames: ["method", "route", "status"] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "Time to answer an API request",
      labelNames: ["method", "route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    publicationRuns: new Counter({
      name: "symphonics_publication_runs_total",
      help: "Publication job runs by outcome (published, needs_review, retry_scheduled, postponed, failed, …)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    attemptDuration: new Histogram({
      name: "symphonics_attempt_duration_seconds",
      help: "Duration of each exchange with Symphonics, by operation and outcome",
      labelNames: ["operation", "outcome"] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    symphonicsResponses: new Counter({
      name: "symphonics_responses_total",
      help: "Symphonics answers by operation, HTTP status and problem code (status \"none\": no answer)",
      labelNames: ["operation", "status", "code"] as const,
      registers,
    }),
    rateLimitWait: new Histogram({
      name: "symphonics_rate_limit_wait_seconds",
      help: "Time a publication waited for its turn at the shared Symphonics rate limit",
      buckets: [0, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    }),
    rateLimitPostponed: new Counter({
      name: "symphonics_rate_limit_postponed_total",
      help: "Publications postponed because their turn at the rate limit was too far away",
      registers,
    }),
    webhookEvents: new Counter({
      name: "symphonics_webhook_events_total",
      help: "Symphonics webhook deliveries by event type and outcome (applied, duplicate, stale, unknown_type, rejected_signature, …)",
      labelNames: ["type", "outcome"] as const,
      registers,
    }),
    dossierStatusesReconciled: new Counter({
      name: "symphonics_dossier_statuses_reconciled_total",
      help: "Dossier statuses the reconciler's lookups applied because no webhook had brought them, by status",
      labelNames: ["status"] as const,
      registers,
    }),
    webhookSignatureFailures: new Counter({
      name: "symphonics_webhook_signature_failures_total",
      help: "Webhook deliveries refused for a missing, wrong or stale signature",
      registers,
    }),
    loginFailures: new Counter({
      name: "login_failures_total",
      help: "Failed staff sign-ins by reason (invalid, locked)",
      labelNames: ["reason"] as const,
      registers,
    }),
    jobAttempts: new Counter({
      name: "worker_job_attempts_total",
      help: "Jobs handled by this worker, by queue and result (completed, failed)",
      labelNames: ["queue", "result"] as const,
      registers,
    }),
    alertDeliveries: new Counter({
      name: "alert_deliveries_total",
      help: "Alert notices sent, by channel (email, webhook) and result (sent, failed)",
      labelNames: ["channel", "result"] as const,
      registers,
    }),
  };

  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: OperationalState) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const current = await state();
        this.reset();
        if (current) fill(this, current);
      },
    });

  new Gauge({
    name: "database_up",
    help: "1 when this process reached PostgreSQL at the last scrape",
    registers,
    async collect() {
      this.set((await state()) ? 1 : 0);
    },
  });
  gauge("publication_jobs_waiting", "Publication jobs due and not yet taken by a worker", [], (g, s) => g.set(s.jobsWaiting));
  gauge("publication_jobs_scheduled", "Publication jobs scheduled for later (retries, postponements)", [], (g, s) => g.set(s.jobsScheduled));
  gauge("publication_oldest_waiting_job_age_seconds", "How long the oldest due publication job has waited (0 when none)", [], (g, s) =>
    g.set(s.oldestWaitingJobAgeSeconds),
  );
  gauge("symphonics_circuit_state", "Circuit breaker toward Symphonics: 1 for its current state (closed, open, half_open)", ["circuit", "state"], (g, s) => {
    for (const circuit of s.circuits) for (const name of ["closed", "open", "half_open"]) g.set({ circuit: circuit.name, state: name }, circuit.state === name ? 1 : 0);
  });
  gauge("symphonics_circuit_open_seconds", "How long the circuit has been open (0 when closed)", ["circuit"], (g, s) => {
    for (const circuit of s.circuits) g.set({ circuit: circuit.name }, circuit.openSeconds);
  });
  gauge("publications", "Interventions by publication status", ["status"], (g, s) => {
    for (const [status, count] of Object.entries(s.publicationsByStatus)) g.set({ status }, count);
  });
  gauge("alerts_open", "Open alerts by kind and severity", ["kind", "severity"], (g, s) => {
    for (const alert of s.openAlerts) g.set({ kind: alert.kind, severity: alert.severity }, alert.count);
  });
  gauge("symphonics_dossiers_awaiting_final_status", "Published dossiers Symphonics has not accepted or rejected yet", [], (g, s) => g.set(s.dossiersAwaitingFinalStatus));
  gauge(
    "symphonics_webhook_silence_seconds",
    "How long Symphonics has sent no webhook while dossiers await a final status (0 when none awaits)",
    [],
    (g, s) => g.set(s.webhookSilenceSeconds),
  );
  gauge("worker_heartbeat_age_seconds", "Age of the most recent worker heartbeat (-1 when no worker ever beat)", [], (g, s) =>
    g.set(s.youngestHeartbeatAgeSeconds ?? -1),
  );
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

// One registry per process, kept across Next.js dev reloads (a second one would double-register).
const globalForMetrics = globalThis as unknown as { __metrics?: Metrics };

export function metrics(): Metrics {
  globalForMetrics.__metrics ??= createMetrics();
  return globalForMetrics.__metrics;
}

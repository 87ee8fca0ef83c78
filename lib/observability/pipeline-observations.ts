import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { publicationQueue } from "@/lib/publication/queue";
import { logger } from "./logger";
import { metrics } from "./metrics";

/**
 * What the publication pipeline and the webhook receiver report to the metrics and the log, kept
 * here so that their modules only call one function at each point.
 */
export interface ObservedExchange {
  operation: string;
  outcome: string;
  httpStatus: number | null;
  problemCode: string | null;
  durationMs: number;
}

/** Every exchange with Symphonics, as it is recorded in the attempt log. */
export function observeSymphonicsExchanges(exchanges: readonly ObservedExchange[]): void {
  const m = metrics();
  for (const exchange of exchanges) {
    m.attemptDuration.observe({ operation: exchange.operation, outcome: exchange.outcome }, exchange.durationMs / 1000);
    m.symphonicsResponses.inc({ operation: exchange.operation, status: exchange.httpStatus === null ? "none" : String(exchange.httpStatus), code: exchange.problemCode ?? "none" });
    logger().info(
      { operation: exchange.operation, outcome: exchange.outcome, httpStatus: exchange.httpStatus, problemCode: exchange.problemCode, durationMs: Math.round(exchange.durationMs) },
      "symphonics exchange",
    );
  }
}

/** A publication's turn at the shared rate limit: how long it waits, or that it is postponed. */
export function observeRateLimitTurn(turn: { granted: true; waitMs: number } | { granted: false }): void {
  if (turn.granted) metrics().rateLimitWait.observe(turn.waitMs / 1000);
  else metrics().rateLimitPostponed.inc();
}

/** A dossier status learnt by lookup, that no webhook had brought. */
export function observeReconciledStatus(status: string): void {
  metrics().dossierStatusesReconciled.inc({ status });
}

/**
 * A webhook handled: counted by type and outcome, and logged with the correlation id of the
 * publication it concerns, so one search follows a publication from its trigger to Symphonics'
 * verdict.
 */
export async function observeWebhook(db: Executor, event: { type: string; outcome: string; dossierId?: string | null; externalReference?: string | null }): Promise<void> {
  metrics().webhookEvents.inc({ type: event.type, outcome: event.outcome });
  // A webhook can overtake the commit of the attempts it answers; the job knows the id too.
  const [publication] = await db
    .execute<{ correlation_id: string | null; reference: string }>(sql`
      select coalesce(a.correlation_id, ${publicationQueue().latestCorrelationId(sql`i.id`)}) as correlation_id, i.reference from interventions i
      join publications p on p.intervention_id = i.id
      left join lateral (
        select correlation_id from publication_attempts where intervention_id = i.id and correlation_id is not null order by started_at desc limit 1
      ) a on true
      where i.reference = ${event.externalReference ?? null} or p.dossier_id = ${event.dossierId ?? null}
      limit 1`)
    .catch(() => []);
  logger().info(
    { webhookType: event.type, outcome: event.outcome, dossierId: event.dossierId ?? null, reference: publication?.reference ?? event.externalReference ?? null, publicationCorrelationId: publication?.correlation_id ?? null },
    "symphonics webhook",
  );
}

import { describe, expect, it } from "vitest";
import { attemptText, auditText, explainPublication, problemText, triggerText, webhookText, type ExplainedPublication, type PipelineConditions } from "./explanations";

const at = (time: string) => new Date(`2026-12-01T${time}:00Z`);
const now = at("14:03");
const healthy: PipelineConditions = { now, workersAlive: 1, circuit: { state: "closed", consecutiveFailures: 0, openedAt: null, probeAt: null }, rateLimitedUntil: null, retryBudgetMs: 86_400_000 };
const publication = (values: Partial<ExplainedPublication>): ExplainedPublication => ({
  status: "queued",
  dossierId: null,
  dossierStatus: null,
  rejectionReason: null,
  attemptCount: 0,
  consecutiveFailures: 0,
  lastErrorCode: null,
  lastErrorAt: null,
  nextAttemptAt: null,
  firstFailureAt: null,
  publishedAt: null,
  resolvedAt: null,
  resolvedBy: null,
  problems: null,
  ...values,
});
const explain = (values: Partial<ExplainedPublication>, conditions: Partial<PipelineConditions> = {}, status = "installation_done") =>
  explainPublication(publication(values), { status }, { ...healthy, ...conditions });

describe("why a publication waits, in words and in the future tense", () => {
  it("names an open circuit, since when, after how many failures, and the next trial call", () => {
    const explanation = explain({ status: "retrying", nextAttemptAt: at("14:07") }, { circuit: { state: "open", consecutiveFailures: 10, openedAt: at("14:02"), probeAt: at("14:07") } });
    expect(explanation).toEqual({
      code: "circuit_open",
      text: "Calls to Symphonics are paused since 2026-12-01T14:02:00.000Z after 10 failures in a row; the next trial call is at 2026-12-01T14:07:00.000Z.",
      template: "Calls to Symphonics are paused since {t0} after 10 failures in a row; the next trial call is at {t1}.",
      times: { t0: "2026-12-01T14:02:00.000Z", t1: "2026-12-01T14:07:00.000Z" },
    });
    // A probe time already past is never said in the past tense.
    expect(explain({}, { circuit: { state: "open", consecutiveFailures: 10, openedAt: at("13:00"), probeAt: at("13:05") } }).text).toMatch(/the next trial call is due now\.$/);
  });

  it("says the rate limit's wait, a missing worker, and the next retry with the end of the budget", () => {
    expect(explain({}, { rateLimitedUntil: at("14:05") }).text).toBe("Symphonics asked us to wait until 2026-12-01T14:05:00.000Z (rate limit).");
    expect(explain({}, { workersAlive: 0 }).text).toBe("No worker is running: nothing will be sent until one starts.");
    expect(explain({ status: "retrying", attemptCount: 3, nextAttemptAt: at("14:20"), firstFailureAt: new Date("2026-12-01T14:02:00Z") }).template).toBe(
      "Next automatic attempt at {t0} (attempt 4; retries stop on {t1}).",
    );
  });

  it("says a spent budget gave up, after how long and how many attempts, in words", () => {
    const failed = explain({ status: "failed", attemptCount: 31, firstFailureAt: new Date("2026-11-30T14:02:00Z"), lastErrorAt: new Date("2026-12-01T14:02:00Z"), lastErrorCode: "http_502" });
    expect(failed.code).toBe("gave_up");
    expect(failed.text).toBe(
      "Gave up after 24 h and 31 attempts: Symphonics' gateway did not reach its servers (HTTP 502). Retry now sends it again, with a fresh 24 h of automatic retries.",
    );
  });

  it("tells cancelled, rejected and resolved apart from not ready", () => {
    expect(explain({ status: "not_ready" }, {}, "cancelled").code).toBe("cancelled");
    expect(explain({ status: "needs_review", dossierId: "DOS-1", dossierStatus: "rejected", rejectionReason: "document_unreachable" }).text).toBe(
      "Symphonics rejected dossier DOS-1: Symphonics could not download one of the documents. It cannot be sent again under the same reference: check the files, settle it with Symphonics, then mark it resolved.",
    );
    expect(explain({ status: "resolved", dossierId: "DOS-1", resolvedBy: "operator@demo.local", resolvedAt: at("14:00") }).code).toBe("resolved");
  });
});

describe("the catalogue of codes", () => {
  it("turns problem codes, HTTP statuses and transport failures into sentences a person can act on", () => {
    expect(problemText("validation_failed")).toMatch(/^Symphonics refused some values/);
    expect(problemText("http_502")).toBe("Symphonics' gateway did not reach its servers (HTTP 502): it is retried automatically.");
    expect(problemText(null, 503)).toBe("Symphonics had a server error (HTTP 503): it is retried automatically.");
    expect(problemText("ambiguous")).toMatch(/cannot create a second dossier/);
    expect(problemText("something_new", 418)).toBe("Symphonics refused the request (HTTP 418, something_new): see the details.");
  });

  it("shows the last attempt of a spent budget as gave up, and names who triggered each attempt", () => {
    expect(attemptText({ outcome: "retryable", problemCode: null, httpStatus: 502 }, true)).toBe("Gave up: the automatic retries are spent. Symphonics' gateway did not reach its servers (HTTP 502).");
    expect(attemptText({ outcome: "success", problemCode: null, httpStatus: 201 }, false)).toBe("Symphonics created the dossier.");
    expect(triggerText("retry", "token:workforce")).toBe("Automatic retry");
    expect(triggerText("manual", "operator@demo.local")).toBe("operator@demo.local (Publish/Retry now)");
    expect(triggerText("automatic", "token:workforce")).toBe("Automatic, after a change by token:workforce");
  });

  it("says what each notification told and how it was taken, and each audited change or action, in words", () => {
    expect(webhookText({ type: "dossier.status_changed", status: "accepted", reason: null, outcome: "applied" })).toBe("Symphonics accepted it. Applied.");
    expect(webhookText({ type: "dossier.status_changed", status: "processing", reason: null, outcome: "stale" })).toBe("Symphonics is checking it. Older than what we knew: kept, not applied.");
    expect(webhookText({ type: "dossier.deleted", status: null, reason: null, outcome: "unknown_type" })).toBe("Symphonics sent a dossier.deleted notification. A kind of notification this product ignores.");
    expect(auditText("intervention.patched", { from: "in_progress", to: "installation_done", documentsSigned: ["a.pdf"] })).toBe("The intervention changed: status in progress → installation done, 1 document signed.");
    expect(auditText("publication.files_checked", { checked: 5, failed: 2 })).toBe("The files were checked: 2 of 5 files did not download.");
    expect(auditText("publication.published", { dossierId: "dos_1", adopted: true })).toBe("Published: Symphonics already had dossier dos_1 under this reference, which was adopted.");
    expect(auditText("something.new", null)).toBe("Recorded: something.new.");
  });

  it("says notifications and audited actions in French too", () => {
    expect(webhookText({ type: "dossier.status_changed", status: "processing", reason: null, outcome: "duplicate" }, "fr")).toBe("Symphonics le vérifie. Déjà reçue.");
    expect(auditText("publication.failed", { attempts: 31 }, "fr")).toBe("Abandon après 31 tentatives échouées de suite : une personne doit agir.");
    expect(auditText("intervention.created", { status: "installation_done" }, "fr")).toBe("L'intervention a été créée (installation terminée).");
    expect(auditText("something.new", null, "fr")).toBe("Enregistré : something.new.");
  });
});

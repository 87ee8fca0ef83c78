import { describe, expect, it } from "vitest";
import { composeNotice, type AlertNoticeItem } from "./notice";

const item = (values: Partial<AlertNoticeItem>): AlertNoticeItem => ({
  kind: "publication_failed",
  severity: "critical",
  state: "open",
  message: "INT-1 has failed",
  occurrences: 1,
  firstSeenAt: "2026-12-01T10:00:00.000Z",
  lastSeenAt: "2026-12-01T10:00:00.000Z",
  resolvedAt: null,
  reference: "INT-1",
  ...values,
});

describe("an alert notice in the recipients' language", () => {
  const items = [item({ occurrences: 3 }), item({ kind: "circuit_open", severity: "warning", state: "resolved", resolvedAt: "2026-12-01T11:00:00.000Z" })];

  it("is in French when ALERT_LOCALE says so (its default)", () => {
    const notice = composeNotice(items, "https://publisher.example/", "fr");
    expect(notice.subject).toBe("[symphonics-publisher] CRITIQUE : alertes : 1 ouverte, 1 résolue");
    expect(notice.text).toContain("Ouvertes :\n- publication_failed (1):\n    CRITIQUE INT-1 has failed [vue 3 fois depuis le 2026-12-01T10:00:00.000Z]");
    expect(notice.text).toContain("AVERTISSEMENT INT-1 has failed [résolue le 2026-12-01T11:00:00.000Z]");
    expect(notice.text).toContain("Les alertes dans l'application : https://publisher.example/");
  });

  it("is in English otherwise, and the structured alerts are the same in both", () => {
    const notice = composeNotice(items, "https://publisher.example/", "en");
    expect(notice.subject).toBe("[symphonics-publisher] CRITICAL: 1 open, 1 resolved alerts");
    expect(notice.text).toContain("Alerts in the app: https://publisher.example/");
    expect(notice.items).toEqual(composeNotice(items, "https://publisher.example/", "fr").items);
  });
});

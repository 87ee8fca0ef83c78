import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { publicationStatus, type PublicationStatus } from "@/db/schema";
import { canTransition, isUnderway, UNDERWAY_STATUSES, underwaySql } from "./status";

const statuses = publicationStatus.enumValues;

describe("the publication state machine", () => {
  it("calls queued, in_progress and retrying underway, and nothing else", () => {
    expect(statuses.filter(isUnderway)).toEqual(["queued", "in_progress", "retrying"]);
    expect(new PgDialect().sqlToQuery(sql`where ${underwaySql(sql`p.status`)}`).sql).toBe("where p.status in ('queued', 'in_progress', 'retrying')");
  });

  it("allows staying in any status", () => {
    for (const status of statuses) expect(canTransition(status, status)).toBe(true);
  });

  it("enters in_progress only by claiming an underway publication", () => {
    for (const from of statuses) expect(canTransition(from, "in_progress")).toBe(isUnderway(from));
  });

  it("keeps published final, but for Symphonics rejecting the dossier afterwards", () => {
    expect(statuses.filter((to) => to !== "published" && canTransition("published", to))).toEqual(["needs_review"]);
  });

  it("queues again what is waiting for data, a person or the budget, and takes it back when it stops being eligible", () => {
    const idle: PublicationStatus[] = ["not_ready", "needs_review", "failed"];
    for (const from of idle) expect(canTransition(from, "queued")).toBe(true);
    for (const from of [...UNDERWAY_STATUSES, "needs_review", "failed"] as const) expect(canTransition(from, "not_ready")).toBe(true);
  });

  it("records a run's outcome over whatever its publication became meanwhile, short of published", () => {
    for (const from of statuses.filter((status) => status !== "published")) {
      for (const to of ["queued", "retrying", "failed", "needs_review", "published"] as const) expect(canTransition(from, to)).toBe(true);
    }
  });

  it("resolves only a publication waiting for review (a rejected dossier), and nothing re-queues it but a run's outcome", () => {
    expect(statuses.filter((from) => from !== "resolved" && canTransition(from, "resolved"))).toEqual(["needs_review"]);
    expect(isUnderway("resolved")).toBe(false);
    expect(canTransition("resolved", "not_ready")).toBe(false);
  });
});

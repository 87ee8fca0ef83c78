import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { beneficiaries, interventions } from "@/db/schema";
import { logger } from "./logger";
import { redact, scrubText } from "./redaction";
import { captureLogs } from "./test-support";

const { db } = await useTestDatabase();
const logs = captureLogs();
afterAll(() => logs.clear());

// Real-looking personal data of a beneficiary, none of which may reach a log line.
const person = {
  firstName: "Émilie",
  lastName: "Vandenbroucke",
  email: "emilie.vandenbroucke@exemple.fr",
  phone: "+33612345678",
  address: "17 rue des Tanneurs",
  postalCode: "69003",
  city: "Villeurbanne-Gratte-Ciel",
  pdl: "09876543210123",
  pce: "GI123456\u0000",
};
const personalValues = ["Émilie", "Vandenbroucke", "emilie.vandenbroucke", "+33612345678", "Tanneurs", "Villeurbanne", "09876543210123", "GI123456"];

describe("database errors in the log", () => {
  it("a write PostgreSQL refuses is logged by code and table, without the row's personal data", async () => {
    const [beneficiary] = await db.insert(beneficiaries).values(person).returning();
    const error = await db
      .insert(interventions)
      .values({ ...person, reference: "INT-LOG-1", beneficiaryId: beneficiary!.id, status: "scheduled", searchText: `${person.lastName} ${person.city}` })
      .then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    logs.clear();
    logger().error({ err: error }, "request failed with an unexpected error");
    const text = logs.text();
    for (const value of personalValues) expect(text).not.toContain(value);
    const [line] = logs.lines();
    // What helps to diagnose stays: the SQLSTATE (22021: a NUL byte in a text value).
    expect(JSON.stringify(line)).toContain("22021");
  });

  it("keeps a refused query's parameters out of free text too (drizzle's 'params:' message)", () => {
    const wrapped = new Error(`Failed query: insert into "beneficiaries" ("first_name", "city") values ($1, $2)\nparams: Émilie,Villeurbanne-Gratte-Ciel`);
    const out = JSON.stringify(redact({ err: wrapped }));
    expect(out).not.toContain("Émilie");
    expect(out).not.toContain("Villeurbanne");
    expect(out).toContain("Failed query");
  });
});

describe("errors carrying objects", () => {
  it("logs an error's code but not the client object a library hung on it", () => {
    const error = Object.assign(new Error("Connection terminated unexpectedly"), {
      code: "57P01",
      client: { connectionParameters: { user: "publisher", password: "pg-password-123" }, queryQueue: new Array(500).fill({ text: "select 1" }) },
    });
    const out = JSON.stringify(redact({ err: error }));
    expect(out).toContain("57P01");
    expect(out).not.toContain("connectionParameters");
    expect(out).not.toContain("queryQueue");
    expect(out.length).toBeLessThan(2_000);
  });
});

describe("cost of redaction", () => {
  it("stays in microseconds for a hostile 4,000-character value, whatever its shape", () => {
    const hostile = ["a".repeat(4_000), `/files/${"x.".repeat(2_000)}`, "0".repeat(4_000), `${"a".repeat(3_999)}@`, "0 ".repeat(2_000)];
    for (const value of hostile) {
      const started = performance.now();
      const rounds = 200;
      for (let i = 0; i < rounds; i++) scrubText(value);
      const perCallMs = (performance.now() - started) / rounds;
      // Measured about 30 ms per 4,000-letter path before bounding; a hundred times under that is the bar.
      expect(perCallMs, `scrubText on ${value.slice(0, 12)}…`).toBeLessThan(0.3);
    }
  });

  it("still hides an email or phone number at the start of a long value, and says the value was cut", () => {
    const out = scrubText(`jeanne.martin@exemple.fr +33 6 12 34 56 78 ${"z".repeat(10_000)}`);
    expect(out).not.toContain("jeanne.martin");
    expect(out).not.toContain("12 34 56");
    expect(out.length).toBeLessThan(3_000);
    expect(out).toContain("[truncated");
  });
});

import { describe, expect, it } from "vitest";
import { zodProblems } from "@/lib/errors";
import { interventionInputSchema, interventionPatchSchema } from "./intake-schema";
import { sampleInterventionInput } from "./sample";

const problemsOf = (input: unknown) => {
  const parsed = interventionInputSchema.safeParse(input);
  return parsed.success ? [] : zodProblems(parsed.error);
};

describe("intake refuses values the database cannot hold or give back", () => {
  const valid = sampleInterventionInput();

  it("accepts the sample", () => {
    expect(problemsOf(valid)).toEqual([]);
  });

  it.each([
    ["a NUL character in a name", { beneficiary_first_name: "Jean\u0000ne" }, "beneficiary_first_name"],
    ["a NUL character alone in the PCE", { pce: "\u0000" }, "pce"],
    ["a lone surrogate in the city", { city: "Lyon\ud800" }, "city"],
    ["a NUL character in a photo path", { photos: [{ file_path: "photos/a\u0000.jpg" }] }, "photos[0].file_path"],
    ["a contract signed in year 30", { contract_signed_at: "0030-11-14T16:23:19Z" }, "contract_signed_at"],
    ["a contract signed in year 0", { contract_signed_at: "0000-01-01T00:00:00Z" }, "contract_signed_at"],
    ["a contract signed in 2101", { contract_signed_at: "2101-01-01T00:00:00Z" }, "contract_signed_at"],
  ])("refuses %s, naming the field", (_, change, field) => {
    const problems = problemsOf({ ...valid, ...change });
    expect(problems.map((problem) => problem.field)).toEqual([field]);
  });

  it("refuses a document signed in year 30 in a PATCH, naming the document", () => {
    const parsed = interventionPatchSchema.safeParse({ documents: [{ file_path: "docs/contrat.pdf", signed_at: "0030-01-01T00:00:00Z" }] });
    expect(parsed.success).toBe(false);
    expect(zodProblems(parsed.error!)).toEqual([{ field: "documents[0].signed_at", message: "must be between 1970-01-01 and 2100-12-31" }]);
  });

  it("accepts an intervention the field team has not completed: contact and installation values absent or null, lists absent", () => {
    const incomplete: Record<string, unknown> = { ...valid, beneficiary_email: null, address: null };
    for (const field of ["beneficiary_phone", "postal_code", "city", "pdl", "pce", "operations", "products", "documents", "photos"]) delete incomplete[field];
    const parsed = interventionInputSchema.parse(incomplete);
    expect(parsed).toMatchObject({ beneficiary_email: null, address: null, operations: [], products: [], documents: [], photos: [] });
    expect(parsed.beneficiary_phone).toBeUndefined();
    // What is given must still be a value: blank is not "not given", and the status is required.
    expect(problemsOf({ ...incomplete, beneficiary_email: " " }).map((problem) => problem.field)).toEqual(["beneficiary_email"]);
    const nameless = { ...incomplete };
    delete nameless.beneficiary_last_name;
    delete nameless.status;
    expect(problemsOf(nameless).map((problem) => problem.field).sort()).toEqual(["status"]);
  });

  it("accepts an intervention with every beneficiary and installation field absent, and one with each of them null", () => {
    const fields = ["beneficiary_first_name", "beneficiary_last_name", "beneficiary_email", "beneficiary_phone", "address", "postal_code", "city", "pdl", "pce", "contract_signed_at", "completed_at"];
    const absent: Record<string, unknown> = { ...valid };
    for (const field of fields) delete absent[field];
    expect(problemsOf(absent)).toEqual([]);
    expect(problemsOf({ status: "scheduled" })).toEqual([]);
    expect(problemsOf({ ...valid, ...Object.fromEntries(fields.map((field) => [field, null])) })).toEqual([]);
  });

  it.each([
    ["a name that is not text", { beneficiary_first_name: 42 }, "beneficiary_first_name"],
    ["a blank last name", { beneficiary_last_name: "  " }, "beneficiary_last_name"],
    ["a last name longer than 200 characters", { beneficiary_last_name: "D".repeat(201) }, "beneficiary_last_name"],
    ["a postal code that is not text", { postal_code: 69003 }, "postal_code"],
    ["an address longer than 300 characters", { address: "a".repeat(301) }, "address"],
    ["a completion date without an offset", { completed_at: "2026-11-20T15:42:00" }, "completed_at"],
    ["a completion date that is not a date", { completed_at: "yesterday" }, "completed_at"],
    ["a completion date in year 30", { completed_at: "0030-11-20T15:42:00Z" }, "completed_at"],
    ["a completion date in 2101", { completed_at: "2101-01-01T12:00:00+01:00" }, "completed_at"],
  ])("still checks the type and size of what is given: refuses %s, naming the field", (_, change, field) => {
    expect(problemsOf({ ...valid, ...change }).map((problem) => problem.field)).toEqual([field]);
  });

  it("a PATCH may give a completion date, with the same rules", () => {
    expect(interventionPatchSchema.safeParse({ completed_at: "2026-11-20T16:42:00+01:00" }).success).toBe(true);
    const parsed = interventionPatchSchema.safeParse({ completed_at: "0030-11-20T15:42:00Z" });
    expect(parsed.success ? [] : zodProblems(parsed.error).map((problem) => problem.field)).toEqual(["completed_at"]);
  });

  it("accepts a completion date with any offset", () => {
    for (const completedAt of ["2026-11-20T15:42:00Z", "2026-11-20T16:42:00+01:00", "2026-11-20T10:42:00.250-05:00"]) {
      expect(problemsOf({ ...valid, completed_at: completedAt })).toEqual([]);
    }
  });

  it("keeps well-formed text that is not ASCII", () => {
    expect(problemsOf({ ...valid, beneficiary_first_name: "Zoë 🌱", city: "Saint-Étienne" })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { mapInterventionToDossier, workforceFieldOfSymphonics } from "./mapping";
import { dossierPayloadSchema } from "./payload-schema";
import { interventionFixture, memoryFiles, photoPaths } from "./test-fixtures";

async function mapped(overrides: Parameters<typeof interventionFixture>[0] = {}, missing: string[] = []) {
  return mapInterventionToDossier(interventionFixture(overrides), memoryFiles(missing));
}

async function problemsOf(overrides: Parameters<typeof interventionFixture>[0], missing: string[] = []) {
  const result = await mapped(overrides, missing);
  if (result.ok) throw new Error("expected the mapping to refuse");
  return result.problems;
}

describe("mapInterventionToDossier", () => {
  it("maps beneficiary, installation, operations, products, documents and photos to the §3.1 dossier", async () => {
    const result = await mapped({
      beneficiary: { firstName: "  Camille ", lastName: "Durand", email: "Camille.Durand@EXAMPLE.fr", phone: "+33 (0)6 12 34 56 78" },
      pdl: "123 456 789 012 34",
      pce: "gi 123 456",
      operations: [{ code: "bar-th-171" }, { code: "BAR-EN-101" }],
      documents: [
        { type: "contract", filePath: "documents/contract.pdf" },
        { type: null, filePath: "documents/notice d'installation.pdf" },
      ],
    });
    expect(result).toEqual({
      ok: true,
      extraPhotoBatches: [],
      payload: {
        externalReference: "INT-2026-000123",
        completedAt: "2026-11-20T15:42:00Z",
        customer: { firstName: "Camille", lastName: "Durand", email: "Camille.Durand@example.fr", phone: "+33612345678" },
        installation: { address: "12 rue des Lilas", postalCode: "69003", city: "Lyon", pdl: "12345678901234", pce: "GI123456" },
        services: [{ code: "BAR-TH-171" }, { code: "BAR-EN-101" }],
        equipment: [{ name: "Pompe à chaleur air/eau", model: "Daikin Altherma 3 H HT" }],
        documents: [
          { type: "contract", url: "https://files.example.fr/files/documents/contract.pdf?expires=1795000000&signature=sig" },
          { url: "https://files.example.fr/files/documents/notice%20d'installation.pdf?expires=1795000000&signature=sig" },
        ],
        photos: [{ url: "https://files.example.fr/files/photos/front.jpg?expires=1795000000&signature=sig" }],
      },
    });
    if (result.ok) expect(dossierPayloadSchema.parse(result.payload)).toEqual(result.payload);
  });

  it("omits pce when absent, completedAt when unset and photos when there are none", async () => {
    const result = await mapped({ pce: null, completedAt: null, photos: [] });
    expect(result.ok && result.payload).toMatchObject({ installation: { pdl: "12345678901234" } });
    if (!result.ok) throw new Error("refused");
    expect("pce" in result.payload.installation).toBe(false);
    expect("completedAt" in result.payload).toBe(false);
    expect("photos" in result.payload).toBe(false);
  });

  it("puts the first 50 photos in the create payload and the rest in batches of 50 (§3.1, §3.2)", async () => {
    const result = await mapped({ photos: photoPaths(2000) });
    if (!result.ok) throw new Error("refused");
    expect(result.payload.photos).toHaveLength(50);
    expect(result.extraPhotoBatches).toHaveLength(39);
    expect(result.extraPhotoBatches.every((batch) => batch.photos.length === 50)).toBe(true);
    expect(result.extraPhotoBatches[0]?.photos[0]?.url).toContain("photos/p50.jpg");
    expect(result.extraPhotoBatches.at(-1)?.photos.at(-1)?.url).toContain("photos/p1999.jpg");

    const uneven = await mapped({ photos: photoPaths(51) });
    expect(uneven.ok && uneven.extraPhotoBatches.map((batch) => batch.photos.length)).toEqual([1]);
  });

  it("refuses more than 2,000 photos", async () => {
    expect(await problemsOf({ photos: photoPaths(2001) })).toEqual([
      { field: "photos", message: "There are 2001 photos; Symphonics accepts at most 2,000 per dossier." },
    ]);
  });

  it("says which values the field team has not given yet, in the workforce app's names", async () => {
    const problems = await problemsOf({
      address: null,
      postalCode: null,
      city: null,
      pdl: null,
      beneficiary: { firstName: "Camille", lastName: "Durand", email: null, phone: null },
      operations: [],
      products: [],
      documents: [],
    });
    expect(problems).toEqual([
      { field: "beneficiary_email", message: "The beneficiary's email is missing." },
      { field: "beneficiary_phone", message: "The beneficiary's phone number is missing." },
      { field: "address", message: "The installation address is missing." },
      { field: "postal_code", message: "The installation's postal code is missing." },
      { field: "city", message: "The installation's city is missing." },
      { field: "pdl", message: "The PDL (electricity delivery point) is missing." },
      { field: "operations", message: "There must be 1 to 20 operations (CEE codes)." },
      { field: "products", message: "There must be 1 to 50 installed products." },
      { field: "documents", message: "There must be 1 to 50 documents, including the signed contract." },
    ]);
    // Only the email missing: that is all that is said.
    expect(await problemsOf({ beneficiary: { firstName: "Camille", lastName: "Durand", email: null, phone: "06 12 34 56 78" } })).toEqual([
      { field: "beneficiary_email", message: "The beneficiary's email is missing." },
    ]);
  });

  it("says the beneficiary's name is missing when the field team has not given it", async () => {
    expect(await problemsOf({ beneficiary: { firstName: null, lastName: null, email: "camille.durand@example.fr", phone: "06 12 34 56 78" } })).toEqual([
      { field: "beneficiary_first_name", message: "The beneficiary's first name is missing." },
      { field: "beneficiary_last_name", message: "The beneficiary's last name is missing." },
    ]);
  });

  it("sends a completion date given with any offset as completedAt in UTC, without milliseconds", async () => {
    const result = await mapped({ completedAt: new Date("2026-11-20T10:42:00.250-05:00") });
    expect(result.ok && result.payload.completedAt).toBe("2026-11-20T15:42:00Z");
  });

  it("reports every invalid field in the workforce app's names, with messages for people", async () => {
    const problems = await problemsOf({
      reference: "INT 2026/1",
      address: "   ",
      postalCode: "6903",
      city: "x".repeat(101),
      pdl: "1234",
      pce: "GI12",
      beneficiary: { firstName: "", lastName: "Durand", email: "camille@", phone: "06 12 34" },
      operations: [{ code: "BAR-TH-171" }, { code: "BAR-TH-17" }],
      products: [{ name: "Pompe", model: " " }],
    });
    expect(problems).toEqual([
      { field: "beneficiary_email", message: "The email address camille@ is not valid; it must look like camille.durand@example.fr (at most 254 characters)." },
      { field: "beneficiary_phone", message: "The phone number 06 12 34 must be a French or international number, e.g. 06 12 34 56 78." },
      { field: "postal_code", message: "The postal code 6903 must be a French postal code of 5 digits, e.g. 69003." },
      { field: "pdl", message: "The PDL (electricity delivery point) 1234 must be 14 digits." },
      {
        field: "pce",
        message: "The PCE (gas delivery point) GI12 must be 14 digits or GI followed by 6 digits; leave it empty when there is no gas supply.",
      },
      { field: "operations[1].code", message: "The operation code BAR-TH-17 is not a CEE operation code, e.g. BAR-TH-171." },
      { field: "reference", message: "The intervention reference INT 2026/1 must be 1 to 64 letters, digits or . _ : - characters." },
      { field: "beneficiary_first_name", message: "The beneficiary's first name must be filled in, with at most 100 characters." },
      { field: "address", message: "The address must be filled in, with at most 200 characters." },
      { field: "city", message: "The city must be filled in, with at most 100 characters." },
      { field: "products[0].model", message: "The product model must be filled in, with at most 200 characters." },
    ]);
  });

  it("reports missing, duplicated and unsafe stored files against their file_path", async () => {
    const problems = await problemsOf(
      {
        documents: [
          { type: "contract", filePath: "documents/contract.pdf" },
          { type: "quote", filePath: "../secrets.pdf" },
        ],
        photos: [...photoPaths(4), { filePath: "photos/p1.jpg" }],
      },
      ["documents/contract.pdf", "photos/p3.jpg"],
    );
    expect(problems).toEqual([
      { field: "documents[1].file_path", message: "The file path ../secrets.pdf is not a valid path in the file storage." },
      { field: "photos[4].file_path", message: "The file photos/p1.jpg is listed twice (also as photos[1])." },
      { field: "documents[0].file_path", message: "The file documents/contract.pdf is missing from the file storage." },
      { field: "photos[3].file_path", message: "The file photos/p3.jpg is missing from the file storage." },
    ]);
  });

  it("lists missing files in the same order whichever file check finishes first: documents, then photos", async () => {
    const intervention = interventionFixture({ photos: photoPaths(2) });
    const slowFirst = (slow: string) => ({
      ...memoryFiles(),
      fileExists: async (path: string) => {
        if (path.startsWith(slow)) await new Promise((resolve) => setTimeout(resolve, 20));
        return false;
      },
    });
    const fields = async (slow: string) => {
      const result = await mapInterventionToDossier(intervention, slowFirst(slow));
      return result.ok ? [] : result.problems.map((problem) => problem.field);
    };
    const expected = ["documents[0].file_path", "photos[0].file_path", "photos[1].file_path"];
    expect(await fields("documents/")).toEqual(expected);
    expect(await fields("photos/")).toEqual(expected);
  });

  it("requires 1–20 operations, 1–50 products and 1–50 documents", async () => {
    const none = await problemsOf({ operations: [], products: [], documents: [] });
    expect(none.map((problem) => problem.field)).toEqual(["operations", "products", "documents"]);
    const tooMany = await problemsOf({
      operations: Array.from({ length: 21 }, () => ({ code: "BAR-TH-171" })),
      products: Array.from({ length: 51 }, () => ({ name: "n", model: "m" })),
      documents: Array.from({ length: 51 }, (_, index) => ({ type: "other" as const, filePath: `documents/d${index}.pdf` })),
    });
    expect(tooMany).toEqual([
      { field: "operations", message: "There must be 1 to 20 operations (CEE codes)." },
      { field: "products", message: "There must be 1 to 50 installed products." },
      { field: "documents", message: "There must be 1 to 50 documents, including the signed contract." },
    ]);
  });

  it("reports a file link Symphonics would refuse (not https, too long) against the file, batches included", async () => {
    const result = await mapInterventionToDossier(interventionFixture({ photos: photoPaths(60) }), {
      signUrl: (path) => (path === "photos/p55.jpg" ? `https://files.example.fr/${"x".repeat(2048)}` : `https://files.example.fr/${path}`),
      fileExists: async () => true,
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          field: "photos[55].file_path",
          message:
            "The link made for this file is not accepted by Symphonics (it must be an https link of at most 2,048 characters); an administrator must check the file link settings.",
        },
      ],
    });
    const plainHttp = await mapInterventionToDossier(interventionFixture(), { ...memoryFiles(), signUrl: (path) => `http://localhost:3000/files/${path}` });
    expect(plainHttp.ok ? [] : plainHttp.problems.map((problem) => problem.field)).toEqual(["documents[0].file_path", "photos[0].file_path"]);
  });

  it("names Symphonics' fields in the workforce app's words through the same table, Symphonics' name kept when unknown", () => {
    expect(workforceFieldOfSymphonics("customer.phone")).toBe("beneficiary_phone");
    expect(workforceFieldOfSymphonics("customer.lastName")).toBe("beneficiary_last_name");
    expect(workforceFieldOfSymphonics("installation.pdl")).toBe("pdl");
    expect(workforceFieldOfSymphonics("completedAt")).toBe("completed_at");
    expect(workforceFieldOfSymphonics("photos[3].url")).toBe("photos[3].file_path");
    // A refused add-photos call: its photos[3] is the dossier's 103rd photo when the batch starts at 100.
    expect(workforceFieldOfSymphonics("photos[3].url", 100)).toBe("photos[103].file_path");
    expect(workforceFieldOfSymphonics("services[1].code")).toBe("operations[1].code");
    expect(workforceFieldOfSymphonics("documents[0].url")).toBe("documents[0].file_path");
    expect(workforceFieldOfSymphonics("equipment")).toBe("products");
    expect(workforceFieldOfSymphonics("customer.nickname")).toBe("customer.nickname");
    expect(workforceFieldOfSymphonics("")).toBe("(dossier)");
  });
});

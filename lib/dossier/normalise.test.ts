import { describe, expect, it } from "vitest";
import { normaliseCeeCode, normaliseEmail, normalisePce, normalisePdl, normalisePhone, normalisePostalCode } from "./normalise";

const ok = <T>(value: T) => ({ ok: true, value });
const refused = { ok: false };

describe("normalisePhone: French numbers in any common writing become E.164 (§3.1 customer.phone)", () => {
  it.each([
    ["06 12 34 56 78", "+33612345678"],
    ["06.12.34.56.78", "+33612345678"],
    ["06-12-34-56-78", "+33612345678"],
    ["0612345678", "+33612345678"],
    [" 01 23 45 67 89 ", "+33123456789"],
    ["0033 6 12 34 56 78", "+33612345678"],
    ["+33 (0)6 12 34 56 78", "+33612345678"],
    ["+33 6 12 34 56 78", "+33612345678"],
    ["+33612345678", "+33612345678"],
    ["+33 06 12 34 56 78", "+33612345678"],
    ["33612345678", "+33612345678"],
    ["09\u00a087 65 43 21", "+33987654321"],
    // Overseas departments have their own country codes.
    ["0692 12 34 56", "+262692123456"],
    ["0590 12 34 56", "+590590123456"],
    ["0696 12 34 56", "+596696123456"],
    ["0694 12 34 56", "+594694123456"],
    // Other international numbers, kept when E.164-valid.
    ["+44 20 7946 0958", "+442079460958"],
    ["0044 20 7946 0958", "+442079460958"],
    ["+1 (415) 555-2671", "+14155552671"],
    ["+32 470 12 34 56", "+32470123456"],
  ])("%s → %s", (raw, expected) => {
    expect(normalisePhone(raw)).toEqual(ok(expected));
  });

  it.each([
    ["06 12 34"],
    ["6 12 34 56 78"],
    ["00 12 34"],
    ["+33 6 12 34 56"],
    ["+33 6 12 34 56 78 9"],
    ["+0 612345678"],
    ["+1234567"],
    ["+1234567890123456"],
    ["06 12 34 56 78 ext. 12"],
    ["tel: 0612345678"],
    ["06 12 34 56 7O"],
    ["++33612345678"],
    ["0612345678+"],
    [""],
    ["   "],
  ])("refuses %j", (raw) => {
    expect(normalisePhone(raw)).toEqual(refused);
  });
});

describe("normaliseEmail: trimmed, domain lower-cased, RFC 5322 addr-spec ≤ 254 (§3.1 customer.email)", () => {
  it.each([
    [" Camille.Durand@Example.FR ", "Camille.Durand@example.fr"],
    ["c.durand+chantier@sub.example.co.uk", "c.durand+chantier@sub.example.co.uk"],
    ["o'brien@example.ie", "o'brien@example.ie"],
  ])("%j → %s", (raw, expected) => {
    expect(normaliseEmail(raw)).toEqual(ok(expected));
  });

  it.each([
    ["camille"],
    ["camille@"],
    ["@example.fr"],
    ["camille@localhost"],
    ["camille durand@example.fr"],
    ["camille..durand@example.fr"],
    [".camille@example.fr"],
    ["camille@example..fr"],
    ["camille@-example.fr"],
    ["camille@exämple.fr"],
    ["camille@example.fr."],
    ["a@b@example.fr"],
    [`${"a".repeat(65)}@example.fr`],
    [`camille@${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(60)}.fr`],
  ])("refuses %j", (raw) => {
    expect(normaliseEmail(raw)).toEqual(refused);
  });

  it("accepts exactly 254 characters, refuses 255", () => {
    const domain = (length: number) => `${"d".repeat(60)}.${"e".repeat(60)}.${"f".repeat(60)}.${"g".repeat(length - 60 * 3 - 3 - 3)}.fr`;
    const at254 = `${"l".repeat(64)}@${domain(254 - 65)}`;
    expect(at254).toHaveLength(254);
    expect(normaliseEmail(at254)).toEqual(ok(at254));
    const at255 = `${"l".repeat(64)}@${domain(255 - 65)}`;
    expect(normaliseEmail(at255)).toEqual(refused);
  });
});

describe("postal code, PDL, PCE and CEE codes (§3.1 installation, services)", () => {
  it.each([
    ["69003", ok("69003")],
    [" 01000 ", ok("01000")],
    ["69 003", ok("69003")],
    ["6903", refused],
    ["690031", refused],
    ["F-69003", refused],
  ])("postal code %j", (raw, expected) => {
    expect(normalisePostalCode(raw)).toEqual(expected);
  });

  it.each([
    ["12345678901234", ok("12345678901234")],
    ["123 456 789 012 34", ok("12345678901234")],
    ["12.345.678.901.234", ok("12345678901234")],
    ["1234-5678-9012-34", ok("12345678901234")],
    ["1234567890123", refused],
    ["123456789012345", refused],
    ["1234567890123A", refused],
  ])("PDL %j", (raw, expected) => {
    expect(normalisePdl(raw)).toEqual(expected);
  });

  it.each([
    ["GI123456", ok("GI123456")],
    ["gi123456", ok("GI123456")],
    ["GI 123 456", ok("GI123456")],
    ["12 345 678 901 234", ok("12345678901234")],
    ["", ok(undefined)],
    ["   ", ok(undefined)],
    [null, ok(undefined)],
    ["GI12345", refused],
    ["GX123456", refused],
    ["1234567890123", refused],
  ])("PCE %j (absent when blank)", (raw, expected) => {
    expect(normalisePce(raw)).toEqual(expected);
  });

  it.each([
    ["BAR-TH-171", ok("BAR-TH-171")],
    [" bar-th-171 ", ok("BAR-TH-171")],
    ["BAR-TH-17", refused],
    ["BARTH171", refused],
    ["BAR-TH-1711", refused],
  ])("CEE code %j", (raw, expected) => {
    expect(normaliseCeeCode(raw)).toEqual(expected);
  });
});

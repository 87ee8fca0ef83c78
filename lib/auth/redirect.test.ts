import { describe, expect, it } from "vitest";
import { DEFAULT_PAGE, safeRedirectTarget } from "./redirect";

const origin = "http://app.local:3100";

describe("safeRedirectTarget", () => {
  it.each([
    ["//evil.example/x"],
    ["/\\evil.example/x"],
    ["\\\\evil.example"],
    ["/\t/evil.example/x"],
    ["/\t/127.0.0.1:4200/x"],
    ["/\n/x"],
    ["/\r\n/evil.example"],
    [decodeURIComponent("%2F%0A%2Fx")],
    [decodeURIComponent("%2F%09%2F127.0.0.1:4200%2Fx")],
    ["/.//evil.example"],
    ["/./\\evil.example"],
    [" //evil.example"],
    ["https://evil.example/overview"],
    ["http://app.local:3100.evil.example/"],
    ["https://app.local:3100/overview"],
    ["javascript:alert(1)"],
    ["JaVaScRiPt:alert(1)"],
    ["java\tscript:alert(1)"],
    ["data:text/html,<script>alert(1)</script>"],
    [""],
    [undefined],
    [null],
  ])("refuses %j (the default page instead)", (raw) => {
    expect(safeRedirectTarget(raw, origin)).toBe(DEFAULT_PAGE);
  });

  it.each([
    ["/ok?x=1", "/ok?x=1"],
    ["/interventions?publication=failed", "/interventions?publication=failed"],
    ["/interventions/INT-1#attempts", "/interventions/INT-1#attempts"],
    ["http://app.local:3100/attention", "/attention"],
    ["/a/../overview", "/overview"],
    ["/\tinterventions", "/interventions"],
    // Relative references resolve on this origin, as the browser would resolve them.
    ["overview", "/overview"],
    ["http:evil.example", "/evil.example"],
  ])("keeps the same-origin %j as %j", (raw, kept) => {
    expect(safeRedirectTarget(raw, origin)).toBe(kept);
  });

  it("takes the first of repeated query values", () => {
    expect(safeRedirectTarget(["/attention", "//evil.example"], origin)).toBe("/attention");
    expect(safeRedirectTarget(["//evil.example", "/attention"], origin)).toBe(DEFAULT_PAGE);
  });

  it("never returns a control character", () => {
    for (let code = 0; code < 0x20; code++) {
      expect(safeRedirectTarget(`/a${String.fromCharCode(code)}b`, origin)).not.toMatch(/[\u0000-\u001f]/);
    }
  });
});

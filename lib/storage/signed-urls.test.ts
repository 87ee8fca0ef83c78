import { describe, expect, it } from "vitest";
import { isSafeStoragePath, resolveStoragePath } from "./paths";
import { signFileUrl, verifyFileSignature } from "./signed-urls";

const key = { secret: "test-secret-0123456789", publicBaseUrl: "https://files.example.fr/" };
const now = new Date("2026-11-25T10:00:00Z");
const inTwoWeeks = new Date("2026-12-09T10:00:00Z");

function parts(url: string) {
  const parsed = new URL(url);
  return {
    path: decodeURIComponent(parsed.pathname.replace(/^\/files\//, "")),
    expires: parsed.searchParams.get("expires"),
    signature: parsed.searchParams.get("signature"),
  };
}

describe("signed file URLs", () => {
  it("signs path and expiry under the public base URL and verifies them", () => {
    const url = signFileUrl(key, "photos/INT-1/façade 1.jpg", inTwoWeeks);
    expect(url).toMatch(/^https:\/\/files\.example\.fr\/files\/photos\/INT-1\/fa%C3%A7ade%201\.jpg\?expires=\d+&signature=[\w-]+$/);
    const { path, expires, signature } = parts(url);
    expect(path).toBe("photos/INT-1/façade 1.jpg");
    expect(verifyFileSignature(key.secret, path, expires, signature, now)).toEqual({ ok: true });
  });

  it("is deterministic for the same path and expiry, so a repeated dossier is byte-identical", () => {
    expect(signFileUrl(key, "a.pdf", inTwoWeeks)).toBe(signFileUrl(key, "a.pdf", inTwoWeeks));
  });

  it("refuses a tampered path, expiry or signature, another secret, and an expired link", () => {
    const { path, expires, signature } = parts(signFileUrl(key, "documents/contract.pdf", inTwoWeeks));
    expect(verifyFileSignature(key.secret, "documents/other.pdf", expires, signature, now)).toEqual({ ok: false, reason: "invalid" });
    expect(verifyFileSignature(key.secret, path, String(Number(expires) + 1), signature, now)).toEqual({ ok: false, reason: "invalid" });
    expect(verifyFileSignature(key.secret, path, expires, `${signature!.slice(0, -1)}A`, now)).toEqual({ ok: false, reason: "invalid" });
    expect(verifyFileSignature("another-secret-0123456789", path, expires, signature, now)).toEqual({ ok: false, reason: "invalid" });
    expect(verifyFileSignature(key.secret, path, null, signature, now)).toEqual({ ok: false, reason: "missing" });
    expect(verifyFileSignature(key.secret, path, "soon", signature, now)).toEqual({ ok: false, reason: "missing" });
    expect(verifyFileSignature(key.secret, path, expires, signature, new Date("2026-12-10T00:00:00Z"))).toEqual({ ok: false, reason: "expired" });
  });
});

describe("storage paths", () => {
  it.each(["photos/a.jpg", "a.pdf", "documents/INT-1/contrat.pdf"])("accepts %s", (relative) => {
    expect(isSafeStoragePath(relative)).toBe(true);
    expect(resolveStoragePath("/srv/files", relative)).toBe(`/srv/files/${relative}`);
  });

  it.each(["../secret", "a/../../b", "/etc/passwd", "a/./b", "a//b", "a\\b", "", "a\0b", "..", "./a"])("refuses %j", (relative) => {
    expect(isSafeStoragePath(relative)).toBe(false);
    expect(resolveStoragePath("/srv/files", relative)).toBeNull();
  });
});

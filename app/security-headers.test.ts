import { describe, expect, it } from "vitest";
import nextConfig, { securityHeaders } from "@/next.config";

const byKey = (headers: { key: string; value: string }[]) => Object.fromEntries(headers.map(({ key, value }) => [key.toLowerCase(), value]));

describe("the headers next.config puts on answers", () => {
  it("refuse sniffing, framing and off-site referrers on every answer", async () => {
    const rules = await nextConfig.headers!();
    const everywhere = rules.find((rule) => rule.source === "/:path*");
    const headers = byKey(everywhere!.headers);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["content-security-policy"]).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    expect(headers["content-security-policy"]).not.toMatch(/script-src|default-src/);
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  });

  it("send HSTS only when the public address is https", () => {
    expect(byKey(securityHeaders("https://publications.installer.example"))["strict-transport-security"]).toMatch(/^max-age=\d{8,}/);
    expect(byKey(securityHeaders("http://localhost:3000"))["strict-transport-security"]).toBeUndefined();
  });

  it("forbid storing the APIs that answer with personal data", async () => {
    const rules = await nextConfig.headers!();
    const noStore = rules.filter((rule) => rule.headers.some(({ key, value }) => key.toLowerCase() === "cache-control" && value === "no-store")).map((rule) => rule.source);
    for (const path of ["/api/interventions/:path*", "/api/dashboard/:path*", "/api/privacy/:path*"]) expect(noStore).toContain(path);
  });
});

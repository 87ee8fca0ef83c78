/**
 * Every route of the application, as Next.js spells it on disk (app/<pattern>/route.ts). They are
 * the only `route` labels the metrics ever carry, whatever path was asked for; a test fails when
 * this list and the route files differ.
 */
export const ROUTE_PATTERNS = [
  "/api-reference",
  "/api-reference/scalar.js",
  "/api/admin/tokens",
  "/api/admin/tokens/[id]",
  "/api/admin/users",
  "/api/admin/users/[id]",
  "/api/alerts/[id]/acknowledge",
  "/api/auth/[...nextauth]",
  "/api/dashboard/attention",
  "/api/dashboard/events",
  "/api/dashboard/interventions",
  "/api/dashboard/interventions/[reference]",
  "/api/dashboard/interventions/[reference]/check-files",
  "/api/dashboard/interventions/[reference]/resolve",
  "/api/dashboard/overview",
  "/api/dashboard/publication-totals",
  "/api/health/live",
  "/api/health/ready",
  "/api/interventions/[reference]",
  "/api/interventions/[reference]/publish",
  "/api/interventions/[reference]/sync-status",
  "/api/me/locale",
  "/api/metrics",
  "/api/openapi",
  "/api/privacy/beneficiaries/[reference]/erase",
  "/api/privacy/beneficiaries/[reference]/export",
  "/api/webhooks/symphonics",
  "/files/[...path]",
] as const;

export type RoutePattern = (typeof ROUTE_PATTERNS)[number];

/**
 * What each segment of a raw path fills in a pattern: null for a literal segment, else the
 * parameter's name; null as a whole when the path does not fit the pattern.
 */
function fit(pattern: RoutePattern, segments: string[]): (string | null)[] | null {
  const parts = pattern.split("/").slice(1);
  const filled: (string | null)[] = [];
  for (const [index, segment] of segments.entries()) {
    const part = parts[Math.min(index, parts.length - 1)]!;
    const dynamic = /^\[(\.\.\.)?(\w+)\]$/.exec(part);
    if (index >= parts.length && !dynamic?.[1]) return null;
    if (!dynamic && part !== segment) return null;
    filled.push(dynamic ? dynamic[2]! : null);
  }
  return segments.length >= parts.length ? filled : null;
}

/** The route a raw path (still percent-encoded) reaches, with the parameter each segment fills; null when none. */
export function matchRoute(rawPath: string): { pattern: RoutePattern; parameterOf: (segment: number) => string | null } | null {
  const segments = rawPath.split("/").slice(1);
  // Literal routes win over dynamic ones, as in Next.js (/api/dashboard/interventions is not a reference).
  const candidates = ROUTE_PATTERNS.map((pattern) => ({ pattern, filled: fit(pattern, segments) })).filter((c) => c.filled);
  const best = candidates.sort((a, b) => a.filled!.filter(Boolean).length - b.filled!.filter(Boolean).length)[0];
  return best ? { pattern: best.pattern, parameterOf: (segment) => best.filled![segment] ?? null } : null;
}

/**
 * The first path segment whose percent-encoding is not UTF-8 (`%FF`, the overlong `%C0%AE`), by
 * position; Next.js cannot decode it into a parameter and would answer a bare 500.
 */
export function undecodableSegment(rawPath: string): number | null {
  const segments = rawPath.split("/").slice(1);
  for (const [index, segment] of segments.entries()) {
    try {
      decodeURIComponent(segment);
    } catch {
      return index;
    }
  }
  return null;
}

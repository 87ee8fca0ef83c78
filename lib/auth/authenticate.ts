import type { StaffRole } from "@/db/schema";
import { getDb } from "@/db/client";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { principalForApiToken } from "./api-tokens";
import { hasRole, type Principal } from "./roles";
import { principalForSessionToken } from "./session";
import { parseCookieHeader, sessionTokenFromCookies } from "./session-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const crossSiteRequest = () =>
  new AppError("cross_site_request", { key: "crossSite" });

/**
 * Browsers attach the session cookie to requests any site triggers, so a cookie-authenticated
 * change must prove it comes from our own pages: Sec-Fetch-Site says so in every current
 * browser; Origin is the fallback. A request carrying neither is refused, since every browser
 * sends Origin with a POST, PUT, PATCH or DELETE. API tokens are not ambient, so they are exempt.
 * X-Forwarded-Host is anyone's to send, so it names our host only behind a proxy (TRUST_PROXY).
 */
export function isSameOriginRequest(request: Request): boolean {
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite) return fetchSite === "same-origin";
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const forwardedHost = config().TRUST_PROXY ? request.headers.get("x-forwarded-host") : null;
  const host = forwardedHost ?? request.headers.get("host") ?? new URL(request.url).host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * The principal behind a request: an `Authorization: Bearer` API token, or else the staff
 * member's session cookie. Throws 403 for a cookie-authenticated change from another site.
 */
export async function authenticate(request: Request): Promise<Principal | null> {
  const header = request.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return null;
    return principalForApiToken(getDb(), match[1]!);
  }
  const token = sessionTokenFromCookies(parseCookieHeader(request.headers.get("cookie")));
  if (!token) return null;
  const principal = await principalForSessionToken(getDb(), token);
  if (principal && !SAFE_METHODS.has(request.method.toUpperCase()) && !isSameOriginRequest(request)) throw crossSiteRequest();
  return principal;
}

/** Authenticates and checks the role, or throws the 401/403 problem. */
export async function requireRole(request: Request, role: StaffRole): Promise<Principal> {
  const principal = await authenticate(request);
  if (!principal) throw new AppError("unauthenticated", { key: "unauthenticated", values: { header: "`Authorization: Bearer <api token>`" } });
  if (!hasRole(principal, role)) throw new AppError("forbidden", { key: "needsRole", values: { role, current: principal.role } });
  return principal;
}

import { NextResponse, type NextRequest } from "next/server";
import { safeRedirectTarget } from "@/lib/auth/redirect";
import { sessionTokenFromCookies, sessionUserId } from "@/lib/auth/session-token";
import { refuseUndecodableRequest } from "@/lib/http/route";

/** What needs no session here: APIs answer 401 themselves; the login page and signed file links need none. */
const OPEN = /^\/(api\/|login(\/|$)|files\/)/;

/**
 * Refuses a path that is not percent-encoded UTF-8 (400, before Next.js fails to decode it), then
 * sends logged-out visitors of any page to the login page, remembering where they were going.
 * Only the token is checked here; the pages and APIs also check the user in the database.
 */
export async function proxy(request: NextRequest) {
  const undecodable = refuseUndecodableRequest(request);
  if (undecodable) return undecodable;
  if (OPEN.test(request.nextUrl.pathname)) return NextResponse.next();
  const token = sessionTokenFromCookies(request.cookies.getAll());
  if (token && (await sessionUserId(token))) return NextResponse.next();
  const login = new URL("/login", request.url);
  const target = safeRedirectTarget(request.nextUrl.pathname + request.nextUrl.search, request.nextUrl.origin);
  if (target !== "/") login.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(login);
}

export const config = {
  // Every path but the build's assets: an undecodable path is refused wherever it points.
  matcher: ["/((?!_next/|favicon.ico|robots.txt).*)"],
};

import { NextResponse, type NextRequest } from "next/server";
import { safeRedirectTarget } from "@/lib/auth/redirect";
import { sessionTokenFromCookies, sessionUserId } from "@/lib/auth/session-token";

/**
 * Sends logged-out visitors of any page to the login page, remembering where they were going.
 * Only the token is checked here; the pages and APIs also check the user in the database.
 */
export async function proxy(request: NextRequest) {
  const token = sessionTokenFromCookies(request.cookies.getAll());
  if (token && (await sessionUserId(token))) return NextResponse.next();
  const login = new URL("/login", request.url);
  const target = safeRedirectTarget(request.nextUrl.pathname + request.nextUrl.search, request.nextUrl.origin);
  if (target !== "/") login.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(login);
}

export const config = {
  // APIs answer 401 themselves; the login page, signed file links and assets need no session.
  matcher: ["/((?!api/|login|files/|_next/|favicon.ico|robots.txt).*)"],
};

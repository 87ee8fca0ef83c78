import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/session";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

/**
 * next-auth's endpoints (CSRF token, credentials sign-in, session, sign-out), behind route() like
 * every route: logged, measured, and refusing what no route accepts. Its action is the path under
 * /api/auth/ (route() has already refused a path that does not decode).
 */
function nextAuth({ request }: { request: Request }): Promise<Response> {
  const nextauth = new URL(request.url).pathname.split("/").slice(3).map(decodeURIComponent);
  return NextAuth(request as never, { params: Promise.resolve({ nextauth }) } as never, authOptions()) as Promise<Response>;
}

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  GET: route(operations.session, nextAuth),
  POST: route(operations.signIn, nextAuth),
});

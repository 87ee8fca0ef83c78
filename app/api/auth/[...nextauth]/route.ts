import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/session";

type Context = { params: Promise<{ nextauth: string[] }> };

/** next-auth's endpoints: CSRF token, credentials sign-in, session, sign-out. */
function handler(request: Request, context: Context) {
  return NextAuth(request as never, context as never, authOptions());
}

export { handler as GET, handler as POST };

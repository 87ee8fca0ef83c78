import { eq } from "drizzle-orm";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb, type Executor } from "@/db/client";
import { users } from "@/db/schema";
import { observeLoginFailure } from "@/lib/observability/login-failures";
import { verifyLogin } from "./login";
import { LOCKED_ERROR_PREFIX } from "./login-errors";
import type { Principal } from "./roles";
import { sessionSecret, sessionUserId } from "./session-token";

/** A working day: this long after logging in, the staff member logs in again. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

// The quickstart serves the app on whatever PORT it is given; with credentials only (no e-mailed
// links), deriving next-auth's origin from the request's Host is safe.
process.env.AUTH_TRUST_HOST ??= "true";

const credentialsSchema = z.object({ email: z.string().max(254), password: z.string().max(200) });

/** Built on first use, not at import: `next build` loads route modules without any configuration. */
let options: NextAuthOptions | undefined;
export function authOptions(): NextAuthOptions {
  options ??= buildAuthOptions();
  return options;
}

const buildAuthOptions = (): NextAuthOptions => ({
  secret: sessionSecret(),
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const result = await verifyLogin(getDb(), parsed.data.email, parsed.data.password);
        if (result.ok) return result.user;
        observeLoginFailure(result.reason);
        if (result.reason === "locked") throw new Error(`${LOCKED_ERROR_PREFIX}${result.until.toISOString()}`);
        return null;
      },
    }),
  ],
});

/**
 * The staff member behind a session token. The token only identifies the user; the role and the
 * disabled state are read from the database on every request, so a disabled user or a changed
 * role takes effect on the very next request (a primary-key lookup, cheaper than any cache).
 */
export async function principalForSessionToken(db: Executor, token: string): Promise<Principal | null> {
  const userId = await sessionUserId(token);
  if (!userId || !z.uuid().safeParse(userId).success) return null;
  const [user] = await db
    .select({ id: users.id, email: users.email, role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || user.disabledAt) return null;
  return { kind: "user", id: user.id, label: user.email, role: user.role };
}

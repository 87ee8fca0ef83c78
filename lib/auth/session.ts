import { eq, sql } from "drizzle-orm";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb, type Executor } from "@/db/client";
import { users } from "@/db/schema";
import { config } from "@/lib/config";
import { isLocale } from "@/lib/i18n/locales";
import { observeLoginFailure } from "@/lib/observability/login-failures";
import { verifyLogin, type LoggedInUser } from "./login";
import { safeRedirectTarget } from "./redirect";
import type { Principal } from "./roles";
import { sessionClaims, sessionSecret } from "./session-token";

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

/**
 * The address a sign-in comes from: the last X-Forwarded-For entry, the one the nearest proxy
 * appended or, reached directly, the one Next.js fills in from the connection when the request
 * brings none (a client reaching the app directly can pre-empt it: the account lock holds anyway).
 */
const clientAddress = (headers: Record<string, unknown> | undefined) => {
  const forwarded = headers?.["x-forwarded-for"];
  return typeof forwarded === "string" ? (forwarded.split(",").at(-1)!.trim() || null) : null;
};

/** Ends every session of a staff member: tokens carrying an older version are refused. */
export async function revokeSessions(db: Executor, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}

const buildAuthOptions = (): NextAuthOptions => ({
  secret: sessionSecret(),
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // Served over https, the session cookie is `__Secure-` and never sent over plain http.
  useSecureCookies: new URL(process.env.NEXTAUTH_URL ?? config().PUBLIC_BASE_URL).protocol === "https:",
  pages: { signIn: "/login", error: "/login" },
  callbacks: {
    redirect: ({ url, baseUrl }) => new URL(safeRedirectTarget(url, baseUrl), baseUrl).href,
    jwt: ({ token, user }) => (user ? { ...token, sessionVersion: (user as LoggedInUser).sessionVersion } : token),
  },
  events: {
    signOut: async ({ token }) => {
      if (token?.sub && z.uuid().safeParse(token.sub).success) await revokeSessions(getDb(), token.sub);
    },
  },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      // Every refusal is the same CredentialsSignin, whether the account exists, is locked or not.
      async authorize(credentials, request) {
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const result = await verifyLogin(getDb(), parsed.data.email, parsed.data.password, new Date(), clientAddress(request?.headers));
        if (result.ok) return result.user;
        observeLoginFailure(result.reason);
        return null;
      },
    }),
  ],
});

/**
 * The staff member behind a session token. The token only identifies the user and the session
 * version; the role, the disabled state and the current version are read from the database on
 * every request, so a disabled user, a changed role or a sign-out takes effect on the very next
 * request (a primary-key lookup, cheaper than any cache).
 */
export async function principalForSessionToken(db: Executor, token: string): Promise<Principal | null> {
  const claims = await sessionClaims(token);
  if (!claims || !z.uuid().safeParse(claims.userId).success) return null;
  const [user] = await db
    .select({ id: users.id, email: users.email, role: users.role, disabledAt: users.disabledAt, sessionVersion: users.sessionVersion, locale: users.locale })
    .from(users)
    .where(eq(users.id, claims.userId));
  if (!user || user.disabledAt || user.sessionVersion !== claims.sessionVersion) return null;
  return { kind: "user", id: user.id, label: user.email, role: user.role, locale: isLocale(user.locale) ? user.locale : undefined };
}

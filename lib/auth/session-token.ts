import { createHmac } from "node:crypto";
import { decode } from "next-auth/jwt";
import { config } from "@/lib/config";

/**
 * Reading the session cookie, kept apart from the next-auth options so the proxy loads no
 * database or password-hashing code.
 */
export const SESSION_COOKIE = "next-auth.session-token";
const SECURE_SESSION_COOKIE = `__Secure-${SESSION_COOKIE}`;

/**
 * NEXTAUTH_SECRET when given; otherwise derived from FILE_URL_SECRET, which production already
 * requires, so a deployment has one secret fewer to manage and never runs with a public one.
 */
export function sessionSecret(): string {
  return process.env.NEXTAUTH_SECRET ?? createHmac("sha256", config().FILE_URL_SECRET).update("next-auth session").digest("base64url");
}

/** The cookie-carried session token, if any (a large token is split into `.0`, `.1`… chunks). */
export function sessionTokenFromCookies(cookies: Iterable<{ name: string; value: string }>): string | null {
  const chunks = new Map<string, string>();
  for (const { name, value } of cookies) chunks.set(name, value);
  for (const base of [SECURE_SESSION_COOKIE, SESSION_COOKIE]) {
    const whole = chunks.get(base);
    if (whole) return whole;
    const parts: string[] = [];
    for (let i = 0; chunks.has(`${base}.${i}`); i++) parts.push(chunks.get(`${base}.${i}`)!);
    if (parts.length) return parts.join("");
  }
  return null;
}

export function parseCookieHeader(header: string | null): { name: string; value: string }[] {
  if (!header) return [];
  return header.split(";").flatMap((pair) => {
    const index = pair.indexOf("=");
    if (index < 0) return [];
    const name = pair.slice(0, index).trim();
    const raw = pair.slice(index + 1).trim();
    try {
      return [{ name, value: decodeURIComponent(raw) }];
    } catch {
      return [];
    }
  });
}

/**
 * The user id and session version of a valid, unexpired session token, without touching the
 * database. A token without a version predates sign-out revocation and counts as version 0.
 */
export async function sessionClaims(token: string): Promise<{ userId: string; sessionVersion: number } | null> {
  const payload = await decode({ token, secret: sessionSecret() }).catch(() => null);
  if (!payload?.sub) return null;
  // jose checks `exp` with 15 s tolerance; session expiry is enforced here too, exactly.
  if (typeof payload.exp === "number" && payload.exp * 1000 <= Date.now()) return null;
  return { userId: payload.sub, sessionVersion: typeof payload.sessionVersion === "number" ? payload.sessionVersion : 0 };
}

/** The user id of a valid, unexpired session token (for the proxy, which only checks the signature). */
export async function sessionUserId(token: string): Promise<string | null> {
  return (await sessionClaims(token))?.userId ?? null;
}


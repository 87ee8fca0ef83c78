import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { users } from "@/db/schema";
import { AppError, ERRORS } from "@/lib/errors";
import { createApiToken } from "./api-tokens";
import { authenticate, requireRole } from "./authenticate";
import { SESSION_MAX_AGE_SECONDS } from "./session";
import { SESSION_COOKIE, sessionSecret } from "./session-token";
import { createUser } from "./users";

const { db } = await useTestDatabase();
let userId: string;
let cookie: string;

async function sessionCookie(sub: string, maxAge = SESSION_MAX_AGE_SECONDS) {
  return `${SESSION_COOKIE}=${await encode({ token: { sub, email: "op@example.fr" }, secret: sessionSecret(), maxAge })}`;
}

function request(method: string, headers: Record<string, string>) {
  return new Request("http://app.local:3100/api/anything", { method, headers: { host: "app.local:3100", ...headers } });
}

async function failure(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return { status: ERRORS[error.code].status, code: error.code };
}

beforeAll(async () => {
  ({ id: userId } = await createUser(db, { email: "op@example.fr", name: "Op", password: "a long enough password", role: "operator" }));
  cookie = await sessionCookie(userId);
});

describe("authenticate with a session cookie", () => {
  it("gives the staff member's principal, with the role from the database", async () => {
    expect(await authenticate(request("GET", { cookie }))).toEqual({ kind: "user", id: userId, label: "op@example.fr", role: "operator" });
    await db.update(users).set({ role: "viewer" }).where(eq(users.id, userId));
    expect((await authenticate(request("GET", { cookie })))?.role).toBe("viewer");
    await db.update(users).set({ role: "operator" }).where(eq(users.id, userId));
  });

  it("stops at once when the user is disabled", async () => {
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, userId));
    expect(await authenticate(request("GET", { cookie }))).toBeNull();
    expect(await failure(requireRole(request("GET", { cookie }), "viewer"))).toEqual({ status: 401, code: "unauthenticated" });
    await db.update(users).set({ disabledAt: null }).where(eq(users.id, userId));
  });

  it("refuses an expired, forged or unknown session", async () => {
    expect(await authenticate(request("GET", { cookie: await sessionCookie(userId, -60) }))).toBeNull();
    const forged = await encode({ token: { sub: userId }, secret: "not the secret", maxAge: 60 });
    expect(await authenticate(request("GET", { cookie: `${SESSION_COOKIE}=${forged}` }))).toBeNull();
    expect(await authenticate(request("GET", { cookie: await sessionCookie("00000000-0000-4000-8000-000000000000") }))).toBeNull();
    expect(await authenticate(request("GET", { cookie: await sessionCookie("not-a-uuid") }))).toBeNull();
    expect(await authenticate(request("GET", { cookie: `${SESSION_COOKIE}=garbage%` }))).toBeNull();
  });
});

describe("cross-site request forgery", () => {
  it("accepts a same-origin change made with the session cookie", async () => {
    expect(await authenticate(request("POST", { cookie, "sec-fetch-site": "same-origin" }))).toMatchObject({ id: userId });
    expect(await authenticate(request("POST", { cookie, origin: "http://app.local:3100" }))).toMatchObject({ id: userId });
  });

  it("refuses a change from another site, or of unknown origin, made with the session cookie", async () => {
    for (const headers of <Record<string, string>[]>[
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "http://evil.example" },
      { origin: "null" },
      {},
    ]) {
      expect(await failure(authenticate(request("POST", { cookie, ...headers })))).toEqual({ status: 403, code: "cross_site_request" });
    }
    expect(await failure(authenticate(request("DELETE", { cookie, origin: "http://evil.example" })))).toMatchObject({ status: 403 });
  });

  it("believes X-Forwarded-Host only behind a proxy the configuration names", async () => {
    const proxied = { cookie, origin: "https://admin.installer.example", "x-forwarded-host": "admin.installer.example" };
    expect(await failure(authenticate(request("POST", proxied)))).toEqual({ status: 403, code: "cross_site_request" });
    process.env.TRUST_PROXY = "true";
    try {
      expect(await authenticate(request("POST", proxied))).toMatchObject({ id: userId });
    } finally {
      delete process.env.TRUST_PROXY;
    }
  });

  it("lets reads through and exempts API tokens, which browsers never attach by themselves", async () => {
    expect(await authenticate(request("GET", { cookie, "sec-fetch-site": "cross-site" }))).toMatchObject({ id: userId });
    const { token } = await createApiToken(db, "workforce", "operator");
    expect(await authenticate(request("POST", { authorization: `Bearer ${token}`, "sec-fetch-site": "cross-site" }))).toMatchObject({ kind: "api_token" });
  });
});

import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { auditLog, users } from "@/db/schema";
import { createApiToken } from "@/lib/auth/api-tokens";
import { authenticate } from "@/lib/auth/authenticate";
import { SESSION_COOKIE, sessionSecret } from "@/lib/auth/session-token";
import { createUser } from "@/lib/auth/users";
import { verifyLogin } from "@/lib/auth/login";
import { DELETE as revokeToken } from "./tokens/[id]/route";
import { GET as listTokens, POST as createToken } from "./tokens/route";
import { PATCH as changeUser } from "./users/[id]/route";
import { GET as listUsers, POST as createUserRoute } from "./users/route";

const { db } = await useTestDatabase();
let adminId: string;
let adminCookie: string;

async function cookieFor(sub: string) {
  return `${SESSION_COOKIE}=${await encode({ token: { sub }, secret: sessionSecret(), maxAge: 3600 })}`;
}

/** A same-origin browser request made with the admin's session. */
function browser(method: string, path: string, body?: unknown, cookie = adminCookie) {
  return new Request(`http://localhost${path}`, {
    method,
    headers: { cookie, "sec-fetch-site": "same-origin", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const params = <T>(value: T) => ({ params: Promise.resolve(value) });
const json = async (response: Response) => ({ status: response.status, body: await response.json() });

beforeAll(async () => {
  ({ id: adminId } = await createUser(db, { email: "admin@example.fr", name: "Admin", password: "admin password 1", role: "admin" }));
  adminCookie = await cookieFor(adminId);
});

describe("admin: users", () => {
  it("creates a user who can then sign in, and audits it", async () => {
    const created = await json(await createUserRoute(browser("POST", "/api/admin/users", { email: "New@Example.fr", name: "New", password: "a good long password", role: "operator" }), undefined as never));
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email: "new@example.fr", role: "operator", disabledAt: null });
    expect(await verifyLogin(db, "new@example.fr", "a good long password")).toMatchObject({ ok: true });
    expect(await db.select().from(auditLog).where(eq(auditLog.action, "user.created"))).toHaveLength(1);
    const listed = await json(await listUsers(browser("GET", "/api/admin/users"), undefined as never));
    expect(listed.body.users.map((u: { email: string }) => u.email)).toEqual(["admin@example.fr", "new@example.fr"]);
  });

  it("refuses a duplicate email (409) and names invalid fields (422)", async () => {
    const body = { email: "NEW@example.fr", name: "Again", password: "a good long password", role: "viewer" };
    expect((await json(await createUserRoute(browser("POST", "/api/admin/users", body), undefined as never))).body.code).toBe("email_taken");
    const invalid = await json(await createUserRoute(browser("POST", "/api/admin/users", { email: "nope", name: "", password: "short", role: "boss" }), undefined as never));
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["email", "name", "password", "role"]);
  });

  it("disables a user, who loses access on their very next request, and enables them again", async () => {
    const { id } = await createUser(db, { email: "leaving@example.fr", name: "Leaving", password: "a good long password", role: "operator" });
    const theirCookie = await cookieFor(id);
    expect(await authenticate(browser("GET", "/api/dashboard/overview", undefined, theirCookie))).not.toBeNull();
    const disabled = await json(await changeUser(browser("PATCH", `/api/admin/users/${id}`, { disabled: true }), params({ id })));
    expect(disabled.status).toBe(200);
    expect(disabled.body.user.disabledAt).not.toBeNull();
    expect(await authenticate(browser("GET", "/api/dashboard/overview", undefined, theirCookie))).toBeNull();
    await changeUser(browser("PATCH", `/api/admin/users/${id}`, { disabled: false, role: "viewer" }), params({ id }));
    expect(await authenticate(browser("GET", "/api/dashboard/overview", undefined, theirCookie))).toMatchObject({ role: "viewer" });
  });

  it("unlocks a locked account and resets a password", async () => {
    const { id } = await createUser(db, { email: "locked@example.fr", name: "Locked", password: "a good long password", role: "viewer" });
    await db.update(users).set({ lockedUntil: new Date(Date.now() + 600_000), failedLoginCount: 0 }).where(eq(users.id, id));
    await changeUser(browser("PATCH", `/api/admin/users/${id}`, { unlock: true, password: "a brand new password" }), params({ id }));
    expect(await verifyLogin(db, "locked@example.fr", "a brand new password")).toMatchObject({ ok: true });
  });

  it("keeps an admin from locking themselves out, and answers unknown or malformed ids", async () => {
    const own = await json(await changeUser(browser("PATCH", `/api/admin/users/${adminId}`, { disabled: true }), params({ id: adminId })));
    expect(own).toMatchObject({ status: 409, body: { code: "own_access" } });
    expect((await changeUser(browser("PATCH", `/api/admin/users/${adminId}`, { role: "viewer" }), params({ id: adminId }))).status).toBe(409);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await changeUser(browser("PATCH", `/api/admin/users/${unknown}`, { disabled: true }), params({ id: unknown }))).status).toBe(404);
    const malformed = await json(await changeUser(browser("PATCH", "/api/admin/users/x", { disabled: true }), params({ id: "x" })));
    expect(malformed).toMatchObject({ status: 422, body: { errors: [{ field: "id" }] } });
    const empty = await json(await changeUser(browser("PATCH", `/api/admin/users/${adminId}`, {}), params({ id: adminId })));
    expect(empty.status).toBe(422);
    const extra = await json(await changeUser(browser("PATCH", `/api/admin/users/${adminId}`, { role: "admin", admin: true }), params({ id: adminId })));
    expect(extra.status).toBe(422);
  });

  it("refuses a cross-site change even with the admin's session", async () => {
    const request = new Request("http://localhost/api/admin/users", {
      method: "POST",
      headers: { cookie: adminCookie, "sec-fetch-site": "cross-site", "content-type": "application/json" },
      body: JSON.stringify({ email: "evil@example.fr", name: "Evil", password: "a good long password", role: "admin" }),
    });
    expect(await json(await createUserRoute(request, undefined as never))).toMatchObject({ status: 403, body: { code: "cross_site_request" } });
    expect(await db.select().from(users).where(eq(users.email, "evil@example.fr"))).toHaveLength(0);
  });
});

describe("admin: API tokens", () => {
  it("creates a token shown once, which works until revoked", async () => {
    const created = await json(await createToken(browser("POST", "/api/admin/tokens", { name: "reporting", role: "viewer" }), undefined as never));
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^sp_/);
    expect(created.body.token).toMatchObject({ name: "reporting", role: "viewer", revokedAt: null });
    const bearer = new Request("http://localhost/api/dashboard/overview", { headers: { authorization: `Bearer ${created.body.secret}` } });
    expect(await authenticate(bearer)).toMatchObject({ kind: "api_token", role: "viewer" });

    const id = created.body.token.id;
    const revoked = await json(await revokeToken(browser("DELETE", `/api/admin/tokens/${id}`), params({ id })));
    expect(revoked.body.token.revokedAt).not.toBeNull();
    expect(await authenticate(bearer)).toBeNull();
    // Revoking again changes nothing.
    expect((await revokeToken(browser("DELETE", `/api/admin/tokens/${id}`), params({ id }))).status).toBe(200);
    const listed = await json(await listTokens(browser("GET", "/api/admin/tokens"), undefined as never));
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
  });

  it("answers bad input with 422 and unknown tokens with 404", async () => {
    const invalid = await json(await createToken(browser("POST", "/api/admin/tokens", { name: " ", role: "root" }), undefined as never));
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["name", "role"]);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await revokeToken(browser("DELETE", `/api/admin/tokens/${unknown}`), params({ id: unknown }))).status).toBe(404);
    expect((await revokeToken(browser("DELETE", "/api/admin/tokens/1"), params({ id: "1" }))).status).toBe(422);
  });

  it("is for admins only", async () => {
    const { token } = await createApiToken(db, "ops", "operator");
    const response = await listTokens(new Request("http://localhost/api/admin/tokens", { headers: { authorization: `Bearer ${token}` } }), undefined as never);
    expect(response.status).toBe(403);
  });
});

import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { auditLog, users } from "@/db/schema";
import { LOCK_MINUTES, MAX_FAILED_LOGINS, verifyLogin } from "./login";
import { createUser } from "./users";

const { db } = await useTestDatabase();
const password = "correct horse battery";

async function newUser(email: string) {
  return createUser(db, { email, name: "Test", password, role: "operator" });
}

describe("verifyLogin", () => {
  beforeAll(async () => {
    await newUser("Alice@Example.fr");
  });

  it("accepts the right password, whatever the email's case, and records the login", async () => {
    const result = await verifyLogin(db, "  alice@EXAMPLE.fr ", password);
    expect(result).toMatchObject({ ok: true, user: { email: "alice@example.fr", role: "operator" } });
    const [row] = await db.select().from(users).where(eq(users.email, "alice@example.fr"));
    expect(row!.lastLoginAt).not.toBeNull();
  });

  it("refuses a wrong password and an unknown email alike", async () => {
    expect(await verifyLogin(db, "alice@example.fr", "wrong password")).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyLogin(db, "nobody@example.fr", password)).toEqual({ ok: false, reason: "invalid" });
  });

  it(`locks the account for ${LOCK_MINUTES} minutes after ${MAX_FAILED_LOGINS} wrong passwords, even against the right one`, async () => {
    const { id } = await newUser("bob@example.fr");
    const now = new Date("2026-11-25T08:00:00Z");
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) expect(await verifyLogin(db, "bob@example.fr", `guess ${i}`, now)).toMatchObject({ reason: "invalid" });
    const locked = await verifyLogin(db, "bob@example.fr", "guess last", now);
    expect(locked).toEqual({ ok: false, reason: "locked", until: new Date(now.getTime() + LOCK_MINUTES * 60_000) });
    expect(await verifyLogin(db, "bob@example.fr", password, new Date(now.getTime() + 60_000))).toMatchObject({ reason: "locked" });
    expect(await db.select().from(auditLog).where(eq(auditLog.action, "user.locked"))).toHaveLength(1);
    // Once the lock has passed, the right password works and the count starts again.
    const later = new Date(now.getTime() + (LOCK_MINUTES + 1) * 60_000);
    expect(await verifyLogin(db, "bob@example.fr", password, later)).toMatchObject({ ok: true });
    const [row] = await db.select().from(users).where(eq(users.id, id));
    expect(row).toMatchObject({ failedLoginCount: 0, lockedUntil: null });
  });

  it("counts concurrent wrong guesses without losing any", async () => {
    await newUser("carol@example.fr");
    const now = new Date();
    const results = await Promise.all(Array.from({ length: MAX_FAILED_LOGINS }, (_, i) => verifyLogin(db, "carol@example.fr", `guess ${i}`, now)));
    expect(results.filter((r) => !r.ok && r.reason === "locked")).toHaveLength(1);
    expect(await verifyLogin(db, "carol@example.fr", password, now)).toMatchObject({ reason: "locked" });
  });

  it("refuses a disabled user's right password", async () => {
    const { id } = await newUser("dave@example.fr");
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, id));
    expect(await verifyLogin(db, "dave@example.fr", password)).toEqual({ ok: false, reason: "invalid" });
  });
});

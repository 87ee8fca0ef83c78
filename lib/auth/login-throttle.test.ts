import { eq, lte } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { auditLog, loginThrottle, users } from "@/db/schema";
import { CLIENT_FREE_FAILURES, LOCK_MINUTES, MAX_FAILED_LOGINS, verifyLogin } from "./login";
import * as passwords from "./passwords";
import { authOptions } from "./session";
import { createUser } from "./users";

// Every password check is counted, passing through to the real argon2 verification.
vi.mock("./passwords", async (original) => {
  const actual = await original<typeof import("./passwords")>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});
const verifyPassword = vi.mocked(passwords.verifyPassword);

const { db } = await useTestDatabase();
const password = "correct horse battery";

async function newUser(email: string) {
  const { id } = await createUser(db, { email, name: "Test", password, role: "operator" });
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, id));
  return { id, passwordHash: row!.passwordHash };
}

/** How many times the password was checked against this hash (not against the decoy). */
const checksAgainst = (passwordHash: string) => verifyPassword.mock.calls.filter(([hash]) => hash === passwordHash).length;

afterEach(() => verifyPassword.mockClear());

describe("the account lock under concurrency", () => {
  it(`checks at most ${MAX_FAILED_LOGINS} of 60 parallel wrong passwords, then refuses the right one while locked`, async () => {
    const { id, passwordHash } = await newUser("erin@example.fr");
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => verifyLogin(db, "erin@example.fr", `guess ${i}`)));
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(checksAgainst(passwordHash)).toBeLessThanOrEqual(MAX_FAILED_LOGINS);
    expect(await db.select().from(auditLog).where(eq(auditLog.action, "user.locked"))).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await verifyLogin(db, "erin@example.fr", password)).toMatchObject({ ok: false, reason: "locked" });
    expect(checksAgainst(passwordHash)).toBeLessThanOrEqual(MAX_FAILED_LOGINS);
    const [row] = await db.select().from(users).where(eq(users.id, id));
    expect(row!.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + (LOCK_MINUTES - 1) * 60_000);
  });

  it("locks an unknown email exactly like an account, so a lock reveals nothing", async () => {
    const now = new Date();
    const known = await newUser("frank@example.fr");
    const unknownLock: { reason: string }[] = [];
    const knownLock: { reason: string }[] = [];
    for (let i = 0; i < MAX_FAILED_LOGINS + 1; i++) {
      unknownLock.push((await verifyLogin(db, "nobody-else@example.fr", `guess ${i}`, now)) as { reason: string });
      knownLock.push((await verifyLogin(db, "frank@example.fr", `guess ${i}`, now)) as { reason: string });
    }
    expect(unknownLock.map((r) => r.reason)).toEqual(knownLock.map((r) => r.reason));
    expect(checksAgainst(known.passwordHash)).toBe(MAX_FAILED_LOGINS);
  });

  it("checks one password hash per attempt, whether the account exists, is locked or not, so all take as long", async () => {
    await newUser("gina@example.fr");
    const now = new Date();
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await verifyLogin(db, "gina@example.fr", `guess ${i}`, now);
    for (const email of ["gina@example.fr", "alice-unknown@example.fr", "frank@example.fr"]) {
      verifyPassword.mockClear();
      await verifyLogin(db, email, password, now);
      expect(verifyPassword).toHaveBeenCalledTimes(1);
    }
  });
});

describe("the per-client throttle", () => {
  it("lets a client's first failures through, then makes it wait longer after each, whatever the emails", async () => {
    const { passwordHash } = await newUser("hugo@example.fr");
    const start = new Date("2026-11-25T08:00:00Z");
    const client = "203.0.113.7";
    for (let i = 0; i < 10; i++) expect(await verifyLogin(db, `someone-${i}@example.fr`, "guess", start, client)).toMatchObject({ reason: "invalid" });
    // The 11th failure is checked, and makes the client wait 1 s; meanwhile even the right password is not checked.
    expect(await verifyLogin(db, "someone-10@example.fr", "guess", start, client)).toMatchObject({ reason: "invalid" });
    expect(await verifyLogin(db, "hugo@example.fr", password, new Date(start.getTime() + 500), client)).toMatchObject({ ok: false, reason: "locked" });
    expect(checksAgainst(passwordHash)).toBe(0);
    // Another client is not held back.
    expect(await verifyLogin(db, "hugo@example.fr", password, new Date(start.getTime() + 500), "198.51.100.2")).toMatchObject({ ok: true });
    // Once the wait is over the attempt is checked; the next failure waits 2 s, then 4 s.
    const at1 = new Date(start.getTime() + 1_000);
    expect(await verifyLogin(db, "someone-11@example.fr", "guess", at1, client)).toMatchObject({ reason: "invalid" });
    expect(await verifyLogin(db, "someone-12@example.fr", "guess", new Date(at1.getTime() + 1_999), client)).toMatchObject({ reason: "locked" });
    const at2 = new Date(at1.getTime() + 2_000);
    expect(await verifyLogin(db, "someone-12@example.fr", "guess", at2, client)).toMatchObject({ reason: "invalid" });
    expect(await verifyLogin(db, "someone-13@example.fr", "guess", new Date(at2.getTime() + 3_999), client)).toMatchObject({ reason: "locked" });
    // Parallel attempts cannot share one opening.
    const at3 = new Date(at2.getTime() + 4_000);
    const parallel = await Promise.all(Array.from({ length: 20 }, (_, i) => verifyLogin(db, `parallel-${i}@example.fr`, "guess", at3, client)));
    expect(parallel.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(1);
    // A client quiet for a while starts again.
    expect(await verifyLogin(db, "hugo@example.fr", password, new Date(at3.getTime() + 60 * 60_000), client)).toMatchObject({ ok: true });
  });
});

describe("the throttle table", () => {
  it("holds no email or address, and forgets what was untouched for a day", async () => {
    await newUser("lena@example.fr");
    const then = new Date("2026-11-20T08:00:00Z");
    await verifyLogin(db, "mistyped@example.fr", "guess", then, "198.51.100.77");
    const keys = (await db.select({ key: loginThrottle.key }).from(loginThrottle)).map((row) => row.key).join(" ");
    expect(keys).not.toMatch(/mistyped|@|198\.51/);
    expect(await db.select().from(loginThrottle).where(lte(loginThrottle.updatedAt, then))).toHaveLength(2);
    await verifyLogin(db, "lena@example.fr", password, new Date(then.getTime() + 25 * 3_600_000), "198.51.100.78");
    expect(await db.select().from(loginThrottle).where(lte(loginThrottle.updatedAt, then))).toHaveLength(0);
  });
});

describe("the sign-in answer", () => {
  type Authorize = (credentials: Record<string, string>, request: { headers: Record<string, string> }) => Promise<unknown>;
  const authorize = (email: string, secret: string, client = "192.0.2.1") =>
    (authOptions().providers[0]!.options as { authorize: Authorize }).authorize({ email, password: secret }, { headers: { "x-forwarded-for": client } });

  it("is the same refusal for a wrong password, an unknown email, a locked account and a throttled client", async () => {
    await newUser("iris@example.fr");
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await verifyLogin(db, "iris@example.fr", `guess ${i}`);
    await newUser("kim@example.fr");
    for (let i = 0; i <= CLIENT_FREE_FAILURES; i++) await verifyLogin(db, `guesser-${i}@example.fr`, "guess", new Date(), "192.0.2.66");
    const answers = await Promise.all([
      authorize("frank@example.fr", "wrong password").catch((e: Error) => e.message),
      authorize("nobody-at-all@example.fr", password).catch((e: Error) => e.message),
      authorize("iris@example.fr", password).catch((e: Error) => e.message),
      authorize("kim@example.fr", password, "192.0.2.66").catch((e: Error) => e.message),
    ]);
    expect(answers).toEqual([null, null, null, null]);
  });

  it("signs in with the right password, counting the attempt against the client's address", async () => {
    await newUser("jules@example.fr");
    expect(await authorize("jules@example.fr", password, "192.0.2.9, 10.0.0.1")).toMatchObject({ email: "jules@example.fr" });
  });
});

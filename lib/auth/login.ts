import { createHash } from "node:crypto";
import { and, eq, isNull, lt, lte, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { loginThrottle, users, type StaffRole } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { verifyPassword } from "./passwords";

/** After this many wrong passwords in a row the account is locked for LOCK_MINUTES. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
/** A client's first failures are free; after each further one it waits twice as long, up to a cap. */
export const CLIENT_FREE_FAILURES = 10;
const CLIENT_MAX_WAIT_SECONDS = 300;
/** A client that has tried nothing for this long starts again. */
const CLIENT_QUIET_MINUTES = 15;
/** Throttle rows untouched this long hold nothing that still matters, and are deleted. */
const THROTTLE_KEPT_HOURS = 24;

// A valid argon2id hash of a random password: verifying against it for unknown emails and locked
// accounts makes every refusal take as long as a real check, so timing reveals neither.
const DECOY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$lOQPTjXatltXsIpg2yNZ5g$dRZa4xVZZh4DTKzXHUSh5zV3jrUrk5hVW7iEIPj0YJg";

export interface LoggedInUser {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  sessionVersion: number;
}

/** `locked`: refused without looking at the password (the account, the email or the client is held back). */
export type LoginResult = { ok: true; user: LoggedInUser } | { ok: false; reason: "invalid" } | { ok: false; reason: "locked"; until: Date | null };

const at = (now: Date) => sql`${now.toISOString()}::timestamptz`;
const throttleKey = (kind: "email" | "client", value: string) => `${kind}:${createHash("sha256").update(value).digest("base64url")}`;

/**
 * The attempt counter of an account (a user row, or a throttle row for an unknown email): one
 * conditional write per attempt, made before the password is checked, takes the next number
 * unless the account is locked or MAX_FAILED_LOGINS attempts are already counted, so concurrent
 * guesses cannot outnumber the lock. An expired lock starts the count again.
 */
const counter = (attempts: AnyColumn, lockedUntil: AnyColumn, now: Date) => ({
  next: sql`case when ${lockedUntil} <= ${at(now)} then 1 else ${attempts} + 1 end`,
  open: and(or(isNull(lockedUntil), lte(lockedUntil, now)), lt(attempts, MAX_FAILED_LOGINS)) as SQL,
});

async function takeUserAttempt(db: Executor, userId: string, now: Date): Promise<number | null> {
  const { next, open } = counter(users.failedLoginCount, users.lockedUntil, now);
  const [row] = await db
    .update(users)
    .set({ failedLoginCount: next, lockedUntil: null, updatedAt: sql`now()` })
    .where(and(eq(users.id, userId), open))
    .returning({ attempt: users.failedLoginCount });
  return row?.attempt ?? null;
}

async function takeEmailAttempt(db: Executor, key: string, now: Date): Promise<number | null> {
  const { next, open } = counter(loginThrottle.attempts, loginThrottle.lockedUntil, now);
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, attempts: 1, updatedAt: now })
    .onConflictDoUpdate({ target: loginThrottle.key, set: { attempts: next, lockedUntil: null, updatedAt: now }, setWhere: open })
    .returning({ attempt: loginThrottle.attempts });
  return row?.attempt ?? null;
}

/**
 * Counts an attempt of a client (its address) before anything is checked, and sets how long its
 * next one waits: nothing for its first CLIENT_FREE_FAILURES, then 1 s, 2 s, 4 s… Returns false
 * while the client must still wait. A success gives its attempt back (releaseClientAttempt).
 */
async function takeClientAttempt(db: Executor, key: string, now: Date): Promise<boolean> {
  const attempts = sql`case when ${loginThrottle.updatedAt} <= ${at(now)} - make_interval(mins => ${CLIENT_QUIET_MINUTES}) then 1 else ${loginThrottle.attempts} + 1 end`;
  const wait = (n: SQL) =>
    sql`case when ${n} > ${CLIENT_FREE_FAILURES} then ${at(now)} + make_interval(secs => least(power(2, ${n} - ${CLIENT_FREE_FAILURES} - 1), ${CLIENT_MAX_WAIT_SECONDS})) end`;
  const rows = await db
    .insert(loginThrottle)
    .values({ key, attempts: 1, updatedAt: now })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: { attempts, lockedUntil: wait(attempts), updatedAt: now },
      setWhere: or(isNull(loginThrottle.lockedUntil), lte(loginThrottle.lockedUntil, now)),
    })
    .returning({ key: loginThrottle.key });
  return rows.length > 0;
}

const releaseClientAttempt = (db: Executor, key: string) =>
  db
    .update(loginThrottle)
    .set({ attempts: sql`greatest(${loginThrottle.attempts} - 1, 0)` })
    .where(eq(loginThrottle.key, key));

// Done on successful sign-ins, which every working day brings, so no job is needed for it.
const purgeStaleThrottle = (db: Executor, now: Date) =>
  db.delete(loginThrottle).where(lt(loginThrottle.updatedAt, new Date(now.getTime() - THROTTLE_KEPT_HOURS * 3_600_000)));

/**
 * Checks an email and password. Every attempt is counted before the password is checked, per
 * account (known or not) and per client address; the fifth wrong password in a row locks the
 * account for a while, even against the right one, which stops online guessing. A locked
 * account, an unknown email and a disabled account are refused like a wrong password, after a
 * password check of the same cost.
 */
export async function verifyLogin(db: Executor, email: string, password: string, now = new Date(), client: string | null = null): Promise<LoginResult> {
  const clientKey = client === null ? null : throttleKey("client", client);
  if (clientKey && !(await takeClientAttempt(db, clientKey, now))) return { ok: false, reason: "locked", until: null };
  const address = email.trim().toLowerCase();
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, address));
  const emailKey = throttleKey("email", address);
  const attempt = user ? await takeUserAttempt(db, user.id, now) : await takeEmailAttempt(db, emailKey, now);
  if (attempt === null) {
    await verifyPassword(DECOY_HASH, password);
    return { ok: false, reason: "locked", until: null };
  }

  const valid = await verifyPassword(user?.passwordHash ?? DECOY_HASH, password);
  if (user && valid && !user.disabledAt) {
    await db
      .update(users)
      .set({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: now, updatedAt: sql`now()` })
      .where(eq(users.id, user.id));
    if (clientKey) await releaseClientAttempt(db, clientKey);
    await purgeStaleThrottle(db, now);
    return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion } };
  }
  if (attempt < MAX_FAILED_LOGINS) return { ok: false, reason: "invalid" };

  const until = new Date(now.getTime() + LOCK_MINUTES * 60_000);
  if (user) {
    await db.update(users).set({ failedLoginCount: 0, lockedUntil: until, updatedAt: sql`now()` }).where(eq(users.id, user.id));
    await recordAudit(db, { kind: "user", id: user.id, label: user.email, role: user.role }, "user.locked", null, {
      failedLogins: MAX_FAILED_LOGINS,
      until: until.toISOString(),
    });
  } else {
    await db.update(loginThrottle).set({ attempts: 0, lockedUntil: until, updatedAt: now }).where(eq(loginThrottle.key, emailKey));
  }
  return { ok: false, reason: "locked", until };
}

import { eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { users, type StaffRole } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { verifyPassword } from "./passwords";

/** After this many wrong passwords in a row the account is locked for LOCK_MINUTES. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

// A valid argon2id hash of a random password: verifying against it for unknown emails makes an
// unknown address take as long as a known one, so timing does not reveal which emails exist.
const DECOY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$lOQPTjXatltXsIpg2yNZ5g$dRZa4xVZZh4DTKzXHUSh5zV3jrUrk5hVW7iEIPj0YJg";

export interface LoggedInUser {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
}

export type LoginResult = { ok: true; user: LoggedInUser } | { ok: false; reason: "invalid" } | { ok: false; reason: "locked"; until: Date };

/**
 * Checks an email and password. Wrong passwords are counted per account; the fifth in a row locks
 * the account for a while, even against the right password, which stops online guessing.
 * A disabled account answers like a wrong password.
 */
export async function verifyLogin(db: Executor, email: string, password: string, now = new Date()): Promise<LoginResult> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
  if (!user) {
    await verifyPassword(DECOY_HASH, password);
    return { ok: false, reason: "invalid" };
  }
  if (user.lockedUntil && user.lockedUntil > now) return { ok: false, reason: "locked", until: user.lockedUntil };

  const valid = await verifyPassword(user.passwordHash, password);
  if (!valid || user.disabledAt) {
    // Counted in SQL, so concurrent guesses cannot each read the same count and slip past the lock.
    const [after] = await db
      .update(users)
      .set({
        failedLoginCount: sql`case when ${users.failedLoginCount} + 1 >= ${MAX_FAILED_LOGINS} then 0 else ${users.failedLoginCount} + 1 end`,
        lockedUntil: sql`case when ${users.failedLoginCount} + 1 >= ${MAX_FAILED_LOGINS} then ${now.toISOString()}::timestamptz + make_interval(mins => ${LOCK_MINUTES}) else ${users.lockedUntil} end`,
        updatedAt: sql`now()`,
      })
      .where(eq(users.id, user.id))
      .returning({ lockedUntil: users.lockedUntil });
    if (after?.lockedUntil && after.lockedUntil > now) {
      await recordAudit(db, { kind: "user", id: user.id, label: user.email, role: user.role }, "user.locked", null, {
        failedLogins: MAX_FAILED_LOGINS,
        until: after.lockedUntil.toISOString(),
      });
      return { ok: false, reason: "locked", until: after.lockedUntil };
    }
    return { ok: false, reason: "invalid" };
  }

  await db
    .update(users)
    .set({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: now, updatedAt: sql`now()` })
    .where(eq(users.id, user.id));
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

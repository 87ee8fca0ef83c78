import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { apiTokens, staffRole, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { createApiToken } from "./api-tokens";
import { hashPassword } from "./passwords";
import type { Principal } from "./roles";
import { createUser, newUserSchema } from "./users";

/** Administration of staff accounts and API tokens; every change is audited. */

import { toIsoOrNull as iso } from "@/lib/dates";

export async function listUsers(db: Database) {
  const rows = await db.select().from(users).orderBy(users.email);
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabledAt: iso(u.disabledAt),
    lockedUntil: u.lockedUntil && u.lockedUntil > new Date() ? iso(u.lockedUntil) : null,
    failedLoginCount: u.failedLoginCount,
    lastLoginAt: iso(u.lastLoginAt),
    createdAt: iso(u.createdAt)!,
  }));
}

export type StaffUser = Awaited<ReturnType<typeof listUsers>>[number];

const isUniqueViolation = (error: unknown) => (error as { cause?: { code?: string } }).cause?.code === "23505" || (error as { code?: string }).code === "23505";

export async function addUser(db: Database, input: z.infer<typeof newUserSchema>, actor: Principal): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const created = await createUser(tx, input).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError("email_taken", { key: "emailTaken", values: { email: input.email } });
      throw error;
    });
    await recordAudit(tx, actor, "user.created", null, { userId: created.id, email: input.email.toLowerCase(), role: input.role });
    return created;
  });
}

export const userChangeSchema = z
  .object({
    role: z.enum(staffRole.enumValues).optional(),
    disabled: z.boolean().optional(),
    /** Lifts a lock after repeated failed logins. */
    unlock: z.literal(true).optional(),
    password: newUserSchema.shape.password.optional(),
    name: newUserSchema.shape.name.optional(),
  })
  .strict()
  .refine((change) => Object.keys(change).length > 0, { message: "must change at least one of role, disabled, unlock, password, name" });

export async function changeUser(db: Database, userId: string, change: z.infer<typeof userChangeSchema>, actor: Principal) {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    if (!current) throw new AppError("not_found", { key: "noUser", values: { id: userId } });
    // An administrator locking themselves out would leave nobody able to undo it.
    if (actor.kind === "user" && actor.id === userId && (change.disabled === true || (change.role && change.role !== "admin"))) {
      throw new AppError("own_access", { key: "ownAccess" });
    }
    await tx
      .update(users)
      .set({
        ...(change.role ? { role: change.role } : {}),
        ...(change.name ? { name: change.name } : {}),
        ...(change.disabled === undefined ? {} : { disabledAt: change.disabled ? (current.disabledAt ?? new Date()) : null }),
        ...(change.unlock ? { lockedUntil: null, failedLoginCount: 0 } : {}),
        ...(change.password ? { passwordHash: await hashPassword(change.password) } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(users.id, userId));
    const { password, ...audited } = change;
    await recordAudit(tx, actor, "user.changed", null, { userId, email: current.email, ...audited, ...(password ? { passwordReset: true } : {}) });
  });
}

export async function listApiTokens(db: Database) {
  const rows = await db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt));
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    lastUsedAt: iso(t.lastUsedAt),
    revokedAt: iso(t.revokedAt),
    createdAt: iso(t.createdAt)!,
  }));
}

export type ApiTokenSummary = Awaited<ReturnType<typeof listApiTokens>>[number];

export const newApiTokenSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  role: z.enum(staffRole.enumValues),
});

export async function addApiToken(db: Database, input: z.infer<typeof newApiTokenSchema>, actor: Principal) {
  return db.transaction(async (tx) => {
    const created = await createApiToken(tx, input.name, input.role);
    await recordAudit(tx, actor, "api_token.created", null, { tokenId: created.id, name: input.name, role: input.role });
    return created;
  });
}

/** Revocation is immediate (tokens are checked on every request) and final; the row stays for the audit trail. */
export async function revokeApiToken(db: Database, tokenId: string, actor: Principal) {
  return db.transaction(async (tx) => {
    const [token] = await tx.select().from(apiTokens).where(eq(apiTokens.id, tokenId));
    if (!token) throw new AppError("not_found", { key: "noToken", values: { id: tokenId } });
    const [revoked] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (revoked) await recordAudit(tx, actor, "api_token.revoked", null, { tokenId, name: token.name });
  });
}

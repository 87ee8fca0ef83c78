import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { apiTokens, type StaffRole } from "@/db/schema";
import type { Principal } from "./roles";

const PREFIX = "sp_";

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a token and returns it in clear: the only time it is ever visible. */
export async function createApiToken(db: Executor, name: string, role: StaffRole): Promise<{ id: string; token: string }> {
  const token = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  const [row] = await db
    .insert(apiTokens)
    .values({ name, role, tokenHash: hashApiToken(token), prefix: token.slice(0, PREFIX.length + 6) })
    .returning({ id: apiTokens.id });
  return { id: row!.id, token };
}

export async function principalForApiToken(db: Executor, token: string): Promise<Principal | null> {
  if (!token.startsWith(PREFIX) || token.length > 200) return null;
  const [row] = await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiTokens.tokenHash, hashApiToken(token)), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role });
  return row ? { kind: "api_token", id: row.id, label: `token:${row.name}`, role: row.role } : null;
}

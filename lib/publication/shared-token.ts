import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { symphonicsAccessTokens } from "@/db/schema";
import type { SharedTokenStore, StoredToken } from "@/lib/symphonics/access-token";

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/**
 * The Symphonics token shared by every worker, in PostgreSQL. A worker that finds it stale takes
 * the row's lock for the token request, so the others wait for its token rather than each
 * fetching one. At rest the token is sealed (AES-256-GCM) with a key derived from the client
 * secret: a copy of the database alone does not let anyone call Symphonics.
 */
export function databaseTokenStore(db: Database, clientId: string, clientSecret: string): SharedTokenStore {
  const key = sha256(`symphonics-access-token:${clientId}:${clientSecret}`);
  const tokenHash = (token: string) => sha256(token).toString("base64url");

  const seal = (token: string) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const sealed = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
    return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString("base64url")).join(".");
  };
  const open = (ciphertext: string): string | null => {
    const [iv, tag, sealed] = ciphertext.split(".").map((part) => Buffer.from(part, "base64url"));
    if (!iv || !tag || !sealed) return null;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed), decipher.final()]).toString("utf8");
    } catch {
      // Sealed under another secret (the secret was rotated): as good as no token.
      return null;
    }
  };
  const toStored = (row: { tokenCiphertext: string | null; renewAt: Date | null } | undefined): StoredToken | null => {
    if (!row?.tokenCiphertext || !row.renewAt) return null;
    const token = open(row.tokenCiphertext);
    return token ? { token, renewAt: row.renewAt.getTime() } : null;
  };
  const columns = { tokenCiphertext: symphonicsAccessTokens.tokenCiphertext, renewAt: symphonicsAccessTokens.renewAt };

  return {
    async read() {
      const [row] = await db.select(columns).from(symphonicsAccessTokens).where(eq(symphonicsAccessTokens.clientId, clientId));
      return toStored(row);
    },

    async renew(fetch, fresh) {
      return db.transaction(async (tx) => {
        await tx.insert(symphonicsAccessTokens).values({ clientId }).onConflictDoNothing();
        const [row] = await tx.select(columns).from(symphonicsAccessTokens).where(eq(symphonicsAccessTokens.clientId, clientId)).for("update");
        const stored = toStored(row);
        if (stored && fresh(stored)) return stored;
        const fetched = await fetch();
        if (fetched) {
          await tx
            .update(symphonicsAccessTokens)
            .set({ tokenCiphertext: seal(fetched.token), tokenHash: tokenHash(fetched.token), renewAt: new Date(fetched.renewAt), updatedAt: sql`now()` })
            .where(eq(symphonicsAccessTokens.clientId, clientId));
        }
        return fetched;
      });
    },

    async forget(token) {
      await db
        .update(symphonicsAccessTokens)
        .set({ tokenCiphertext: null, tokenHash: null, renewAt: null, updatedAt: sql`now()` })
        .where(and(eq(symphonicsAccessTokens.clientId, clientId), eq(symphonicsAccessTokens.tokenHash, tokenHash(token))));
    },
  };
}

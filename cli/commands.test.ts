import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { users } from "@/db/schema";
import { principalForApiToken } from "@/lib/auth/api-tokens";
import { verifyPassword } from "@/lib/auth/passwords";

const { db, url } = await useTestDatabase();
const tsx = path.resolve("node_modules/.bin/tsx");

async function command(script: string, args: string[], env: Record<string, string> = {}) {
  return promisify(execFile)(tsx, [script, ...args], { env: { ...process.env, DATABASE_URL: url, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe("operator commands", () => {
  it("token:create prints a working token once and stores only its hash", async () => {
    const result = await command("cli/create-api-token.ts", ["--name", "workforce-app", "--role", "operator"]);
    expect(result.code).toBe(0);
    const token = result.stdout.trim().split("\n").pop()!;
    expect(token).toMatch(/^sp_[\w-]{43}$/);
    expect(await principalForApiToken(db, token)).toMatchObject({ kind: "api_token", label: "token:workforce-app", role: "operator" });
    const stored = await db.execute<{ n: number }>(`select count(*)::int as n from api_tokens where token_hash like '%${token.slice(3, 12)}%'`);
    expect(stored[0]!.n).toBe(0);
  });

  it("token:create refuses a missing name or an unknown role", async () => {
    expect((await command("cli/create-api-token.ts", ["--role", "operator"])).stderr).toMatch(/--name is required/);
    expect((await command("cli/create-api-token.ts", ["--name", "x", "--role", "root"])).code).toBe(2);
  });

  it("user:create stores an argon2id hash and refuses a duplicate email or a short password", async () => {
    const created = await command("cli/create-user.ts", ["--email", "Jeanne@Installer.fr", "--name", "Jeanne Martin", "--role", "operator"], { STAFF_PASSWORD: "correct horse battery" });
    expect(created.code).toBe(0);
    const [user] = await db.select().from(users).where(eq(users.email, "jeanne@installer.fr"));
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user!.passwordHash, "correct horse battery")).toBe(true);
    const duplicate = await command("cli/create-user.ts", ["--email", "jeanne@installer.fr", "--name", "J", "--role", "viewer"], { STAFF_PASSWORD: "another long password" });
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);
    const short = await command("cli/create-user.ts", ["--email", "x@installer.fr", "--name", "X"], { STAFF_PASSWORD: "short" });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/password: must be at least 12 characters/);
  });
});

/**
 * Creates a staff user who logs in to the dashboard. The password is read from the
 * STAFF_PASSWORD environment variable or prompted for, never taken from the command line
 * (it would stay in the shell history).
 *
 *   npm run user:create -- --email jeanne@installer.fr --name "Jeanne Martin" --role operator
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { connect, databaseUrl, isUniqueViolation } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { systemPrincipal } from "@/lib/auth/roles";
import { createUser, newUserSchema } from "@/lib/auth/users";

const { values } = parseArgs({ options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string", default: "viewer" } } });

async function readPassword(): Promise<string> {
  if (process.env.STAFF_PASSWORD) return process.env.STAFF_PASSWORD;
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const password = await prompt.question("Password (at least 12 characters): ");
  prompt.close();
  return password;
}

const parsed = newUserSchema.safeParse({ ...values, password: await readPassword() });
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`${issue.path.join(".")}: ${issue.message}`);
  process.exit(2);
}

const connection = connect(databaseUrl(), { max: 1 });
try {
  const user = await connection.db.transaction(async (tx) => {
    const created = await createUser(tx, parsed.data);
    await recordAudit(tx, systemPrincipal, "user.created", null, { userId: created.id, email: parsed.data.email, role: parsed.data.role });
    return created;
  });
  console.log(`Created ${parsed.data.role} ${parsed.data.email} (id ${user.id}).`);
} catch (error) {
  if (isUniqueViolation(error)) {
    console.error(`A user with the email ${parsed.data.email} already exists.`);
    process.exitCode = 1;
  } else throw error;
} finally {
  await connection.close();
}

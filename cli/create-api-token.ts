/**
 * Creates an API token for a machine client (the workforce application, a script) and prints
 * it once: only its hash is stored.
 *
 *   npm run token:create -- --name workforce-app --role operator
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { connect, databaseUrl } from "@/db/client";
import { staffRole } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { createApiToken } from "@/lib/auth/api-tokens";
import { systemPrincipal } from "@/lib/auth/roles";

const { values } = parseArgs({ options: { name: { type: "string" }, role: { type: "string", default: "operator" } } });
const nameRequired = "--name is required, e.g. --name workforce-app";
const parsed = z
  .object({ name: z.string({ error: nameRequired }).trim().min(1, nameRequired).max(100), role: z.enum(staffRole.enumValues, "--role must be viewer, operator or admin") })
  .safeParse(values);
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(issue.message);
  process.exit(2);
}

const connection = connect(databaseUrl(), { max: 1 });
try {
  const { id, token } = await connection.db.transaction(async (tx) => {
    const created = await createApiToken(tx, parsed.data.name, parsed.data.role);
    await recordAudit(tx, systemPrincipal, "api_token.created", null, { tokenId: created.id, name: parsed.data.name, role: parsed.data.role });
    return created;
  });
  console.log(`Created API token "${parsed.data.name}" (${parsed.data.role}, id ${id}).`);
  console.log("Store it now, it will not be shown again:");
  console.log(token);
} finally {
  await connection.close();
}

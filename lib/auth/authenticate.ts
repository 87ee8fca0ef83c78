import type { StaffRole } from "@/db/schema";
import { getDb } from "@/db/client";
import { problems } from "@/lib/http/problem";
import { principalForApiToken } from "./api-tokens";
import { hasRole, type Principal } from "./roles";

/** The principal behind a request: an `Authorization: Bearer` API token. */
export async function authenticate(request: Request): Promise<Principal | null> {
  const header = request.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return null;
    return principalForApiToken(getDb(), match[1]!);
  }
  return null;
}

/** Authenticates and checks the role, or throws the 401/403 problem. */
export async function requireRole(request: Request, role: StaffRole): Promise<Principal> {
  const principal = await authenticate(request);
  if (!principal) throw problems.unauthenticated();
  if (!hasRole(principal, role)) throw problems.forbidden(`This action needs the ${role} role; you have ${principal.role}.`);
  return principal;
}

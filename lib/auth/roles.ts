import type { StaffRole } from "@/db/schema";
import type { Locale } from "@/lib/i18n/locales";

/** Who is acting: a logged-in staff member, an API token, or the product itself. */
export interface Principal {
  kind: "user" | "api_token" | "system";
  id: string | null;
  /** Human-readable: an email, a token name, or "system". */
  label: string;
  role: StaffRole;
  /** A staff member's chosen language; absent when none was chosen, and for API tokens and the system. */
  locale?: Locale;
}

export const systemPrincipal: Principal = { kind: "system", id: null, label: "system", role: "admin" };

const rank: Record<StaffRole, number> = { viewer: 0, operator: 1, admin: 2 };

/** viewer sees everything; operator can also publish and retry; admin can also manage access. */
export function hasRole(principal: Pick<Principal, "role">, needed: StaffRole): boolean {
  return rank[principal.role] >= rank[needed];
}

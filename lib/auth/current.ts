import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import type { Principal } from "./roles";
import { principalForSessionToken } from "./session";
import { sessionTokenFromCookies } from "./session-token";

/** The logged-in staff member of a page render, or a redirect to the login page. */
export async function requirePagePrincipal(): Promise<Principal> {
  const token = sessionTokenFromCookies((await cookies()).getAll());
  const principal = token ? await principalForSessionToken(getDb(), token) : null;
  if (!principal) redirect("/login");
  return principal;
}

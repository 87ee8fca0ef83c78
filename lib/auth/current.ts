import { cache } from "react";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import type { Principal } from "./roles";
import { principalForSessionToken } from "./session";
import { sessionTokenFromCookies } from "./session-token";

/** The logged-in staff member of a page render, if any: looked up once per render (the layout and the language both ask). */
export const pagePrincipal = cache(async (): Promise<Principal | null> => {
  const token = sessionTokenFromCookies((await cookies()).getAll());
  return token ? principalForSessionToken(getDb(), token) : null;
});

/** The logged-in staff member of a page render, or a redirect to the login page. */
export async function requirePagePrincipal(): Promise<Principal> {
  const principal = await pagePrincipal();
  if (!principal) redirect("/login");
  return principal;
}

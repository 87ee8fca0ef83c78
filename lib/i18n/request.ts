import { headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { pagePrincipal } from "@/lib/auth/current";
import { MESSAGES } from "./catalogue";
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, negotiateLocale } from "./locales";

/**
 * next-intl's configuration of a page render, without locale routing (URLs carry no language):
 * the signed-in staff member's own choice, else what the browser asks for, else French.
 */
export default getRequestConfig(async () => {
  const principal = await pagePrincipal();
  const locale = principal?.locale ?? negotiateLocale((await headers()).get("accept-language")) ?? DEFAULT_LOCALE;
  return { locale, messages: MESSAGES[locale], timeZone: DEFAULT_TIME_ZONE };
});

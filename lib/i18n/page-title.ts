import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

/** A page's title in the page's language: "<page> · Symphonics publications". */
export async function pageTitle(page: string | { key: "overview" | "interventions" | "attention" | "users" | "tokens" | "signIn" }): Promise<Metadata> {
  const t = await getTranslations("titles");
  return { title: t("page", { page: typeof page === "string" ? page : t(page.key) }) };
}

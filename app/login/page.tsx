import type { Metadata } from "next";
import { pageTitle } from "@/lib/i18n/page-title";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { pagePrincipal } from "@/lib/auth/current";
import { safeRedirectTarget } from "@/lib/auth/redirect";
import { config } from "@/lib/config";
import { LoginForm } from "./login-form";

export const generateMetadata = (): Promise<Metadata> => pageTitle({ key: "signIn" });

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const callbackUrl = safeRedirectTarget((await searchParams).callbackUrl, config().PUBLIC_BASE_URL);
  // Someone already signed in (a bookmark, the back button) goes straight where they were going.
  if (await pagePrincipal()) redirect(callbackUrl);
  const t = await getTranslations("login");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">{t("title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("intro")}</p>
        <LoginForm callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}

"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useLocale, useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { LOCALES, type Locale } from "@/lib/i18n/locales";
import { apiFetch } from "./api";
import { useViewer } from "./providers";

const links = [
  { href: "/overview", label: "overview" },
  { href: "/interventions", label: "interventions" },
  { href: "/attention", label: "attention" },
] as const;
const adminLinks = [
  { href: "/admin/users", label: "users" },
  { href: "/admin/tokens", label: "tokens" },
] as const;

/** The header's language choice: stored with the staff member, then the page renders again in it. */
function LanguageSwitch() {
  const t = useTranslations("nav");
  const locale = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [failed, setFailed] = useState(false);
  const choose = (chosen: Locale) =>
    startTransition(async () => {
      try {
        await apiFetch("/api/me/locale", { method: "PUT", json: { locale: chosen } });
        setFailed(false);
        router.refresh();
      } catch {
        setFailed(true);
      }
    });
  return (
    <div role="group" aria-label={t("language")} className="flex gap-1">
      {LOCALES.map((option) => (
        <button
          key={option}
          type="button"
          lang={option}
          aria-pressed={locale === option}
          disabled={pending}
          onClick={() => choose(option)}
          className={`rounded px-1.5 py-0.5 text-xs ${locale === option ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
        >
          {t(`languages.${option}`)}
        </button>
      ))}
      {failed && (
        <span role="alert" className="text-xs text-red-700">
          {t("languageFailed")}
        </span>
      )}
    </div>
  );
}

export function Nav() {
  const t = useTranslations("nav");
  const viewer = useViewer();
  const pathname = usePathname();
  const [signingOut, setSigningOut] = useState(false);
  const items = viewer.can("admin") ? [...links, ...adminLinks] : links;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/overview" className="font-semibold text-slate-900">
          {t("home")}
        </Link>
        <nav aria-label={t("main")} className="flex flex-wrap gap-1">
          {items.map((item) => {
            const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
            return (
              <Link
                key={item.href}
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={`rounded-md px-3 py-1.5 text-sm ${active ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
              >
                {t(`links.${item.label}`)}
              </Link>
            );
          })}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          {/* A route handler, not a page of this layout: an ordinary link, not a client-side one. */}
          <a href="/api-reference" className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100">
            {t("apiReference")}
          </a>
          <LanguageSwitch />
          <span className="text-slate-600">
            {viewer.email} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{t(`roles.${viewer.role}`)}</span>
          </span>
          <button
            type="button"
            className="btn btn-secondary py-1"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              void signOut({ callbackUrl: "/login" });
            }}
          >
            {signingOut ? t("signingOut") : t("signOut")}
          </button>
        </div>
      </div>
    </header>
  );
}

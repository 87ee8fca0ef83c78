import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { requirePagePrincipal } from "@/lib/auth/current";
import { hasRole } from "@/lib/auth/roles";

/** Access management is for administrators; others get an explanation rather than a broken page. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const principal = await requirePagePrincipal();
  if (!hasRole(principal, "admin")) {
    const t = await getTranslations("admin");
    const roles = await getTranslations("nav.roles");
    return (
      <div role="alert" className="card p-6">
        <h1 className="text-lg font-semibold">{t("onlyTitle")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("onlyMessage", { role: roles(principal.role) })}</p>
      </div>
    );
  }
  return children;
}

import type { ReactNode } from "react";
import { getTranslations } from "next-intl/server";
import { Nav } from "@/components/nav";
import { Providers } from "@/components/providers";
import { requirePagePrincipal } from "@/lib/auth/current";

/** Every dashboard page: checked against the database on each render, so a disabled user is out at once. */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const principal = await requirePagePrincipal();
  const t = await getTranslations("nav");
  return (
    <Providers viewer={{ email: principal.label, role: principal.role }}>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:m-2 focus:rounded focus:bg-white focus:p-2">
        {t("skipToContent")}
      </a>
      <Nav />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        {children}
      </main>
    </Providers>
  );
}

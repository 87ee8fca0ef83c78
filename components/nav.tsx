"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { useViewer } from "./providers";

const links = [
  { href: "/overview", label: "Overview" },
  { href: "/interventions", label: "Interventions" },
  { href: "/attention", label: "Needs attention" },
];
const adminLinks = [
  { href: "/admin/users", label: "Users" },
  { href: "/admin/tokens", label: "API tokens" },
];

export function Nav() {
  const viewer = useViewer();
  const pathname = usePathname();
  const [signingOut, setSigningOut] = useState(false);
  const items = viewer.can("admin") ? [...links, ...adminLinks] : links;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/overview" className="font-semibold text-slate-900">
          Symphonics publications
        </Link>
        <nav aria-label="Main" className="flex flex-wrap gap-1">
          {items.map((item) => {
            const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
            return (
              <Link
                key={item.href}
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={`rounded-md px-3 py-1.5 text-sm ${active ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
              >
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          {/* A route handler, not a page of this layout: an ordinary link, not a client-side one. */}
          <a href="/api-reference" className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100">
            API reference
          </a>
          <span className="text-slate-600">
            {viewer.email} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{viewer.role}</span>
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
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </div>
    </header>
  );
}

import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { pagePrincipal } from "@/lib/auth/current";
import { safeRedirectTarget } from "@/lib/auth/redirect";
import { config } from "@/lib/config";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in · Symphonics publications" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const callbackUrl = safeRedirectTarget((await searchParams).callbackUrl, config().PUBLIC_BASE_URL);
  // Someone already signed in (a bookmark, the back button) goes straight where they were going.
  if (await pagePrincipal()) redirect(callbackUrl);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Sign in</h1>
        <p className="mt-1 text-sm text-slate-600">Staff access to Symphonics publications.</p>
        <LoginForm callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}

"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { safeRedirectTarget } from "@/lib/auth/redirect";

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const t = useTranslations("login");
  // One message for a wrong password, an unknown email and a lock: telling them apart would tell
  // an attacker which accounts exist.
  const messageFor = (error: string) => (error === "CredentialsSignin" ? t("refused") : t("failed"));
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", { email: form.get("email"), password: form.get("password"), redirect: false });
      if (result?.ok && !result.error) {
        // A full navigation, so every server component renders with the new session.
        window.location.assign(safeRedirectTarget(callbackUrl, window.location.origin));
        return;
      }
      setError(messageFor(result?.error ?? ""));
    } catch {
      setError(t("unreachable"));
    }
    setPending(false);
  }

  return (
    <form onSubmit={submit} className="mt-6 space-y-4" noValidate={false}>
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          {t("email")}
        </label>
        <input id="email" name="email" type="email" autoComplete="username" required autoFocus className="input mt-1 w-full" />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          {t("password")}
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required className="input mt-1 w-full" />
      </div>
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending} className="btn btn-primary w-full">
        {pending ? t("signingIn") : t("signIn")}
      </button>
    </form>
  );
}

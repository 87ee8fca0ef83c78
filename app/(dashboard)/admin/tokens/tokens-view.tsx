"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { ApiTokenSummary } from "@/lib/auth/staff-admin";
import { apiFetch } from "@/components/api";
import { ConfirmButton } from "@/components/confirm-button";
import { LocalTime } from "@/components/local-time";
import { QueryBoundary } from "@/components/states";

export function TokensView() {
  const t = useTranslations("tokens");
  const roles = useTranslations("nav.roles");
  const client = useQueryClient();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const query = useQuery({ queryKey: ["admin-tokens"], queryFn: () => apiFetch<{ tokens: ApiTokenSummary[] }>("/api/admin/tokens") });

  const create = useMutation({
    mutationFn: (body: { name: string; role: string }) => apiFetch<{ token: ApiTokenSummary; secret: string }>("/api/admin/tokens", { method: "POST", json: body }),
    onSuccess: ({ token, secret }) => {
      setCopied(false);
      setCreated({ name: token.name, secret });
      void client.invalidateQueries({ queryKey: ["admin-tokens"] });
    },
  });
  const revoke = useMutation({
    mutationFn: (token: ApiTokenSummary) => apiFetch(`/api/admin/tokens/${token.id}`, { method: "DELETE" }),
    onSettled: () => client.invalidateQueries({ queryKey: ["admin-tokens"] }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    create.mutate({ name: String(data.get("name") ?? ""), role: String(data.get("role") ?? "") }, { onSuccess: () => form.reset() });
  }

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-sm text-slate-600">{t.rich("intro", { code: (chunks) => <code>{chunks}</code> })}</p>
      </div>

      <section aria-labelledby="create-token-title" className="card p-4">
        <h2 id="create-token-title" className="font-medium">
          {t("createTitle")}
        </h2>
        <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="token-name" className="block text-xs font-medium text-slate-600">
              {t("name")}
            </label>
            <input id="token-name" name="name" required maxLength={100} className="input mt-1 w-64" placeholder={t("namePlaceholder")} />
          </div>
          <div>
            <label htmlFor="token-role" className="block text-xs font-medium text-slate-600">
              {t("role")}
            </label>
            <select id="token-role" name="role" defaultValue="operator" className="input mt-1">
              <option value="viewer">{roles("viewer")}</option>
              <option value="operator">{roles("operator")}</option>
              <option value="admin">{roles("admin")}</option>
            </select>
          </div>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? t("creating") : t("create")}
          </button>
        </form>
        {create.isError && (
          <p role="alert" className="mt-2 text-sm text-red-800">
            {create.error.message}
          </p>
        )}
        {created && (
          <div role="status" className="mt-4 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm">
            <p className="font-medium">{t("created", { name: created.name })}</p>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <code className="rounded bg-white px-2 py-1 font-mono text-xs break-all" data-testid="new-token">
                {created.secret}
              </code>
              <button
                type="button"
                className="btn btn-secondary py-1"
                onClick={() => void navigator.clipboard.writeText(created.secret).then(() => setCopied(true))}
              >
                {copied ? t("copied") : t("copy")}
              </button>
            </div>
          </div>
        )}
      </section>

      {revoke.isError && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900">
          {revoke.error.message}
        </p>
      )}
      <section aria-label={t("list")} className="card overflow-hidden">
        <QueryBoundary query={query} loadingLabel={t("loading")} empty={{ when: (data) => data.tokens.length === 0, title: t("empty") }}>
          {(data) => (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="bg-slate-50 text-xs text-slate-600">
                  <tr>
                    <th scope="col" className="px-3 py-2">{t("nameColumn")}</th>
                    <th scope="col" className="px-3 py-2">{t("startsWith")}</th>
                    <th scope="col" className="px-3 py-2">{t("role")}</th>
                    <th scope="col" className="px-3 py-2">{t("createdColumn")}</th>
                    <th scope="col" className="px-3 py-2">{t("lastUsed")}</th>
                    <th scope="col" className="px-3 py-2">{t("state")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {data.tokens.map((token) => (
                    <tr key={token.id} className={token.revokedAt ? "text-slate-500" : ""}>
                      <td className="px-3 py-2 font-medium">{token.name}</td>
                      <td className="px-3 py-2 font-mono text-xs">{t("prefix", { prefix: token.prefix })}</td>
                      <td className="px-3 py-2">{roles(token.role)}</td>
                      <td className="px-3 py-2">
                        <LocalTime value={token.createdAt} />
                      </td>
                      <td className="px-3 py-2">
                        <LocalTime value={token.lastUsedAt} fallback={t("never")} />
                      </td>
                      <td className="px-3 py-2">
                        {token.revokedAt ? (
                          <>
                            {t("revoked")} <LocalTime value={token.revokedAt} />
                          </>
                        ) : (
                          <ConfirmButton
                            className="btn btn-secondary py-1"
                            title={t("revokeTitle", { name: token.name })}
                            message={t("revokeMessage")}
                            confirmLabel={t("revoke")}
                            onConfirm={() => revoke.mutate(token)}
                            disabled={revoke.isPending}
                          >
                            {t("revoke")}
                          </ConfirmButton>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryBoundary>
      </section>
    </div>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { ApiTokenSummary } from "@/lib/auth/staff-admin";
import { apiFetch } from "@/components/api";
import { ConfirmButton } from "@/components/confirm-button";
import { LocalTime } from "@/components/local-time";
import { QueryBoundary } from "@/components/states";

export function TokensView() {
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
        <h1 className="text-2xl font-semibold">API tokens</h1>
        <p className="text-sm text-slate-600">For programs: the workforce application, reporting tools. A token acts with its role and is sent as <code>Authorization: Bearer …</code>.</p>
      </div>

      <section aria-labelledby="create-token-title" className="card p-4">
        <h2 id="create-token-title" className="font-medium">
          Create a token
        </h2>
        <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="token-name" className="block text-xs font-medium text-slate-600">
              Name (who uses it)
            </label>
            <input id="token-name" name="name" required maxLength={100} className="input mt-1 w-64" placeholder="e.g. workforce-app-production" />
          </div>
          <div>
            <label htmlFor="token-role" className="block text-xs font-medium text-slate-600">
              Role
            </label>
            <select id="token-role" name="role" defaultValue="operator" className="input mt-1">
              <option value="viewer">viewer</option>
              <option value="operator">operator</option>
              <option value="admin">admin</option>
            </select>
          </div>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create token"}
          </button>
        </form>
        {create.isError && (
          <p role="alert" className="mt-2 text-sm text-red-800">
            {create.error.message}
          </p>
        )}
        {created && (
          <div role="status" className="mt-4 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm">
            <p className="font-medium">Token “{created.name}” created. Copy it now: it will not be shown again.</p>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <code className="rounded bg-white px-2 py-1 font-mono text-xs break-all" data-testid="new-token">
                {created.secret}
              </code>
              <button
                type="button"
                className="btn btn-secondary py-1"
                onClick={() => void navigator.clipboard.writeText(created.secret).then(() => setCopied(true))}
              >
                {copied ? "Copied" : "Copy"}
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
      <section aria-label="Tokens" className="card overflow-hidden">
        <QueryBoundary query={query} loadingLabel="Loading tokens…" empty={{ when: (data) => data.tokens.length === 0, title: "No API tokens yet." }}>
          {(data) => (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="bg-slate-50 text-xs text-slate-600">
                  <tr>
                    <th scope="col" className="px-3 py-2">Name</th>
                    <th scope="col" className="px-3 py-2">Starts with</th>
                    <th scope="col" className="px-3 py-2">Role</th>
                    <th scope="col" className="px-3 py-2">Created</th>
                    <th scope="col" className="px-3 py-2">Last used</th>
                    <th scope="col" className="px-3 py-2">State</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {data.tokens.map((token) => (
                    <tr key={token.id} className={token.revokedAt ? "text-slate-500" : ""}>
                      <td className="px-3 py-2 font-medium">{token.name}</td>
                      <td className="px-3 py-2 font-mono text-xs">{token.prefix}…</td>
                      <td className="px-3 py-2">{token.role}</td>
                      <td className="px-3 py-2">
                        <LocalTime value={token.createdAt} />
                      </td>
                      <td className="px-3 py-2">
                        <LocalTime value={token.lastUsedAt} fallback="Never" />
                      </td>
                      <td className="px-3 py-2">
                        {token.revokedAt ? (
                          <>
                            Revoked <LocalTime value={token.revokedAt} />
                          </>
                        ) : (
                          <ConfirmButton
                            className="btn btn-secondary py-1"
                            title={`Revoke “${token.name}”?`}
                            message="Programs using it are refused from their next request. This cannot be undone; create a new token instead."
                            confirmLabel="Revoke"
                            onConfirm={() => revoke.mutate(token)}
                            disabled={revoke.isPending}
                          >
                            Revoke
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

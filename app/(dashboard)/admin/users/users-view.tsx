"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState, type FormEvent, type ReactNode } from "react";
import type { StaffRole } from "@/db/schema";
import type { StaffUser } from "@/lib/auth/staff-admin";
import { apiFetch, ApiError } from "@/components/api";
import { ConfirmButton } from "@/components/confirm-button";
import { LocalTime } from "@/components/local-time";
import { useViewer } from "@/components/providers";
import { QueryBoundary } from "@/components/states";

/** The roles, least first; their words are the catalogue's `nav.roles` and `users.roleHelp`. */
const ROLES: StaffRole[] = ["viewer", "operator", "admin"];

type UserChange = { role?: StaffRole; disabled?: boolean; unlock?: true };

export function UsersView() {
  const t = useTranslations("users");
  const roles = useTranslations("nav.roles");
  const viewer = useViewer();
  const client = useQueryClient();
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const query = useQuery({ queryKey: ["admin-users"], queryFn: () => apiFetch<{ users: StaffUser[] }>("/api/admin/users") });

  const change = useMutation({
    mutationFn: ({ user, body }: { user: StaffUser; body: UserChange }) => apiFetch<{ user: StaffUser }>(`/api/admin/users/${user.id}`, { method: "PATCH", json: body }),
    onSuccess: ({ user }, { body }) =>
      setNotice({
        ok: true,
        text:
          body.disabled === true
            ? t("disabledNotice", { email: user.email })
            : body.disabled === false
              ? t("enabledNotice", { email: user.email })
              : body.unlock
                ? t("unlockedNotice", { email: user.email })
                : t("roleNotice", { email: user.email, role: roles(user.role) }),
      }),
    onError: (error) => setNotice({ ok: false, text: error.message }),
    onSettled: () => client.invalidateQueries({ queryKey: ["admin-users"] }),
  });

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <CreateUser onCreated={(email) => setNotice({ ok: true, text: t("createdNotice", { email }) })} />
      {notice && (
        <p role={notice.ok ? "status" : "alert"} className={`rounded-md p-3 text-sm ${notice.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-900"}`}>
          {notice.text}
        </p>
      )}
      <section aria-label={t("accounts")} className="card overflow-hidden">
        <QueryBoundary query={query} loadingLabel={t("loading")} empty={{ when: (data) => data.users.length === 0, title: t("empty") }}>
          {(data) => (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="bg-slate-50 text-xs text-slate-600">
                  <tr>
                    <th scope="col" className="px-3 py-2">{t("user")}</th>
                    <th scope="col" className="px-3 py-2">{t("role")}</th>
                    <th scope="col" className="px-3 py-2">{t("state")}</th>
                    <th scope="col" className="px-3 py-2">{t("lastSignIn")}</th>
                    <th scope="col" className="px-3 py-2">{t("actions")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {data.users.map((user) => {
                    const self = user.email === viewer.email;
                    return (
                      <tr key={user.id}>
                        <td className="px-3 py-2">
                          <div className="font-medium">{user.name}</div>
                          <div className="text-slate-600">{user.email}</div>
                        </td>
                        <td className="px-3 py-2">
                          <label className="sr-only" htmlFor={`role-${user.id}`}>
                            {t("roleOf", { email: user.email })}
                          </label>
                          <select
                            id={`role-${user.id}`}
                            className="input py-1"
                            value={user.role}
                            disabled={self || change.isPending}
                            title={self ? t("ownRole") : undefined}
                            onChange={(e) => change.mutate({ user, body: { role: e.target.value as StaffRole } })}
                          >
                            {ROLES.map((role) => (
                              <option key={role} value={role}>
                                {roles(role)}
                              </option>
                            ))}
                          </select>
                        </td>
                        <td className="px-3 py-2">
                          {user.disabledAt ? (
                            <span className="text-red-700">
                              {t("disabled")} <LocalTime value={user.disabledAt} />
                            </span>
                          ) : user.lockedUntil ? (
                            <span className="text-amber-800">
                              {t("lockedUntil")} <LocalTime value={user.lockedUntil} />
                            </span>
                          ) : (
                            <span className="text-emerald-700">{t("active")}</span>
                          )}
                        </td>
                        <td className="px-3 py-2">
                          <LocalTime value={user.lastLoginAt} fallback={t("never")} />
                        </td>
                        <td className="px-3 py-2">
                          <div className="flex flex-wrap gap-2">
                            {user.lockedUntil && (
                              <button type="button" className="btn btn-secondary py-1" onClick={() => change.mutate({ user, body: { unlock: true } })}>
                                {t("unlock")}
                              </button>
                            )}
                            {user.disabledAt ? (
                              <button type="button" className="btn btn-secondary py-1" onClick={() => change.mutate({ user, body: { disabled: false } })}>
                                {t("enable")}
                              </button>
                            ) : (
                              !self && (
                                <ConfirmButton
                                  className="btn btn-secondary py-1"
                                  title={t("disableTitle", { email: user.email })}
                                  message={t("disableMessage")}
                                  confirmLabel={t("disable")}
                                  onConfirm={() => change.mutate({ user, body: { disabled: true } })}
                                >
                                  {t("disable")}
                                </ConfirmButton>
                              )
                            )}
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </QueryBoundary>
      </section>
    </div>
  );
}

function CreateUser({ onCreated }: { onCreated: (email: string) => void }) {
  const t = useTranslations("users");
  const roles = useTranslations("nav.roles");
  const client = useQueryClient();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: Record<string, string>) => apiFetch<{ user: StaffUser }>("/api/admin/users", { method: "POST", json: body }),
    onSuccess: ({ user }) => {
      onCreated(user.email);
      void client.invalidateQueries({ queryKey: ["admin-users"] });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.problem.errors) setFieldErrors(Object.fromEntries(error.problem.errors.map((e) => [e.field, e.message])));
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFieldErrors({});
    const form = event.currentTarget;
    const body = Object.fromEntries([...new FormData(form).entries()].map(([key, value]) => [key, String(value)]));
    create.mutate(body, { onSuccess: () => form.reset() });
  }

  const field = (name: string, label: string, input: ReactNode) => (
    <div>
      <label htmlFor={`new-${name}`} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      {input}
      {fieldErrors[name] && (
        <p id={`new-${name}-error`} className="mt-1 text-xs text-red-700">
          {t("fieldError", { label, message: fieldErrors[name] })}
        </p>
      )}
    </div>
  );

  return (
    <section aria-labelledby="create-user-title" className="card p-4">
      <h2 id="create-user-title" className="font-medium">
        {t("addTitle")}
      </h2>
      <form onSubmit={submit} className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-start">
        {field("email", t("email"), <input id="new-email" name="email" type="email" required autoComplete="off" aria-invalid={!!fieldErrors.email} className="input mt-1 w-full" />)}
        {field("name", t("name"), <input id="new-name" name="name" required autoComplete="off" aria-invalid={!!fieldErrors.name} className="input mt-1 w-full" />)}
        {field(
          "role",
          t("role"),
          <select id="new-role" name="role" defaultValue="viewer" className="input mt-1 w-full">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t("roleOption", { role: roles(role), help: t(`roleHelp.${role}`) })}
              </option>
            ))}
          </select>,
        )}
        {field(
          "password",
          t("password"),
          <input id="new-password" name="password" type="password" required minLength={12} autoComplete="new-password" aria-invalid={!!fieldErrors.password} className="input mt-1 w-full" placeholder={t("passwordPlaceholder")} />,
        )}
        <div className="lg:pt-5">
          <button type="submit" className="btn btn-primary w-full" disabled={create.isPending}>
            {create.isPending ? t("adding") : t("add")}
          </button>
        </div>
      </form>
      {create.isError && !Object.keys(fieldErrors).length && (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {create.error.message}
        </p>
      )}
    </section>
  );
}

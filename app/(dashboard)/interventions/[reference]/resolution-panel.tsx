"use client";

import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { apiFetch } from "@/components/api";
import { LocalTime } from "@/components/local-time";
import { useViewer } from "@/components/providers";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import type { FileCheck } from "@/lib/publication/manual";

/**
 * A dossier Symphonics rejected cannot be sent again under the same reference: the operator checks
 * the files as Symphonics downloads them, settles it with Symphonics (the dossier id is what they
 * ask for), then marks it resolved with a note. Shows the resolution once made.
 */
export function ResolutionPanel({ detail, onChanged }: { detail: InterventionDetail; onChanged: () => void }) {
  const t = useTranslations("resolution");
  const viewer = useViewer();
  const [note, setNote] = useState("");
  const path = `/api/dashboard/interventions/${encodeURIComponent(detail.reference)}`;
  const check = useMutation({ mutationFn: () => apiFetch<FileCheck>(`${path}/check-files`, { method: "POST", json: {} }) });
  const resolve = useMutation({ mutationFn: () => apiFetch(`${path}/resolve`, { method: "POST", json: { note } }), onSuccess: onChanged });

  if (detail.resolution) {
    return (
      <section aria-labelledby="resolution-title" className="rounded-lg border border-teal-300 bg-teal-50 p-4 text-sm text-teal-950">
        <h2 id="resolution-title" className="font-medium">
          {t("resolvedTitle")}
        </h2>
        <p className="mt-1">
          {t.rich("resolvedBy", { by: detail.resolution.by ?? "?", note: detail.resolution.note ?? "", time: () => <LocalTime value={detail.resolution!.at} /> })}
        </p>
        <p className="mt-1">
          {t.rich("dossierId", { id: detail.publication.dossier_id ?? "?", code: (chunks) => <span className="font-mono">{chunks}</span> })}
        </p>
      </section>
    );
  }
  if (!detail.resolvable) return null;

  return (
    <section aria-labelledby="resolution-title" className="rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-950">
      <h2 id="resolution-title" className="font-medium">
        {t("rejectedTitle")}
      </h2>
      <p className="mt-1">
        {t.rich("rejectedHelp", { id: detail.publication.dossier_id ?? "?", code: (chunks) => <span className="font-mono">{chunks}</span> })}
      </p>
      {viewer.can("operator") && (
        <div className="mt-3 space-y-3">
          <div>
            <button type="button" className="btn btn-secondary" disabled={check.isPending} onClick={() => check.mutate()}>
              {check.isPending ? t("checking") : t("check")}
            </button>
            <div aria-live="polite" className="mt-2">
              {check.data &&
                (check.data.failed.length === 0 ? (
                  <p className="text-emerald-800">
                    {t.rich("allFilesOk", { count: check.data.checked, time: () => <LocalTime value={check.data!.checkedAt} withSeconds /> })}
                  </p>
                ) : (
                  <div>
                    <p className="font-medium">
                      {t("filesFail", { failed: check.data.failed.length, checked: check.data.checked })}
                    </p>
                    <ul className="list-disc pl-5">
                      {check.data.failed.map((file) => (
                        <li key={file.path}>
                          {t.rich("fileProblem", { path: file.path, problem: file.problem ?? "", code: (chunks) => <span className="font-mono text-xs">{chunks}</span> })}
                        </li>
                      ))}
                    </ul>
                  </div>
                ))}
              {check.isError && <p role="alert">{check.error.message}</p>}
            </div>
          </div>
          <form
            className="space-y-2"
            onSubmit={(event) => {
              event.preventDefault();
              resolve.mutate();
            }}
          >
            <label className="block">
              <span className="block font-medium">{t("howSettled")}</span>
              <textarea className="input mt-1 w-full" rows={2} required minLength={3} maxLength={2000} value={note} onChange={(event) => setNote(event.target.value)} />
            </label>
            <button type="submit" className="btn btn-primary" disabled={resolve.isPending || note.trim().length < 3}>
              {resolve.isPending ? t("marking") : t("mark")}
            </button>
            {resolve.isError && <p role="alert">{resolve.error.message}</p>}
          </form>
        </div>
      )}
    </section>
  );
}

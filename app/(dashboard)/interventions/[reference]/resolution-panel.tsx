"use client";

import { useMutation } from "@tanstack/react-query";
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
  const viewer = useViewer();
  const [note, setNote] = useState("");
  const path = `/api/dashboard/interventions/${encodeURIComponent(detail.reference)}`;
  const check = useMutation({ mutationFn: () => apiFetch<FileCheck>(`${path}/check-files`, { method: "POST", json: {} }) });
  const resolve = useMutation({ mutationFn: () => apiFetch(`${path}/resolve`, { method: "POST", json: { note } }), onSuccess: onChanged });

  if (detail.resolution) {
    return (
      <section aria-labelledby="resolution-title" className="rounded-lg border border-teal-300 bg-teal-50 p-4 text-sm text-teal-950">
        <h2 id="resolution-title" className="font-medium">
          Rejection resolved
        </h2>
        <p className="mt-1">
          Marked resolved by {detail.resolution.by} on <LocalTime value={detail.resolution.at} />: “{detail.resolution.note}”
        </p>
        <p className="mt-1">
          Symphonics dossier id: <span className="font-mono">{detail.publication.dossier_id}</span>
        </p>
      </section>
    );
  }
  if (!detail.resolvable) return null;

  return (
    <section aria-labelledby="resolution-title" className="rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-950">
      <h2 id="resolution-title" className="font-medium">
        Symphonics rejected this dossier
      </h2>
      <p className="mt-1">
        It cannot be sent again under the same reference. Check the files, settle it with Symphonics (give them the dossier id{" "}
        <span className="font-mono">{detail.publication.dossier_id}</span>), then mark it resolved.
      </p>
      {viewer.can("operator") && (
        <div className="mt-3 space-y-3">
          <div>
            <button type="button" className="btn btn-secondary" disabled={check.isPending} onClick={() => check.mutate()}>
              {check.isPending ? "Checking the files…" : "Check the files"}
            </button>
            <div aria-live="polite" className="mt-2">
              {check.data &&
                (check.data.failed.length === 0 ? (
                  <p className="text-emerald-800">
                    All {check.data.checked} files download through their links (checked <LocalTime value={check.data.checkedAt} withSeconds />).
                  </p>
                ) : (
                  <div>
                    <p className="font-medium">
                      {check.data.failed.length} of {check.data.checked} files fail:
                    </p>
                    <ul className="list-disc pl-5">
                      {check.data.failed.map((file) => (
                        <li key={file.path}>
                          <span className="font-mono text-xs">{file.path}</span>: {file.problem}
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
              <span className="block font-medium">How was it settled? (required)</span>
              <textarea className="input mt-1 w-full" rows={2} required minLength={3} maxLength={2000} value={note} onChange={(event) => setNote(event.target.value)} />
            </label>
            <button type="submit" className="btn btn-primary" disabled={resolve.isPending || note.trim().length < 3}>
              {resolve.isPending ? "Marking resolved…" : "Mark resolved"}
            </button>
            {resolve.isError && <p role="alert">{resolve.error.message}</p>}
          </form>
        </div>
      )}
    </section>
  );
}

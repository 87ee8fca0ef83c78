"use client";

import { useMutation } from "@tanstack/react-query";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import type { PublicationStatus } from "@/db/schema";
import { apiFetch } from "@/components/api";
import { ConfirmButton } from "@/components/confirm-button";
import { ExplanationText } from "@/components/explanation";
import { useViewer } from "@/components/providers";
import { publicationLabels } from "@/components/status";
import { isUnderway } from "@/lib/publication/status";

/** Publish now (never attempted) or Retry now (attempted before): operators and admins only. */
export function PublishAction({ detail, onChanged }: { detail: InterventionDetail; onChanged: () => void }) {
  const viewer = useViewer();
  const mutation = useMutation({
    mutationFn: () =>
      apiFetch<{ publication: { status: PublicationStatus } }>(`/api/interventions/${encodeURIComponent(detail.reference)}/publish`, { method: "POST", json: {} }),
    onSettled: onChanged,
  });
  // Published, or a rejection resolved by a person: nothing is sent any more.
  const published = detail.publication.status === "published" || detail.publication.status === "resolved";
  // Kept on screen after a request, even once published, so the outcome is confirmed in place.
  if (!viewer.can("operator") || (published && !mutation.isSuccess)) return null;
  // The page's own refreshed state once it shows the publication on its way; until then, the endpoint's answer.
  const stateNow = mutation.data && (published || isUnderway(detail.publication.status) ? detail.publication.status : mutation.data.publication.status);

  const retry = detail.publication.attempt_count > 0;
  const label = retry ? "Retry now" : "Publish now";
  const blocked = detail.blockers.length > 0;
  // What holds every publication (no worker, circuit open, rate limit) holds this one too: said before it is asked.
  const held = ["no_worker", "circuit_open", "rate_limited"].includes(detail.explanation.code);
  return (
    <div className="w-full max-w-sm space-y-2 sm:w-auto">
      {!published && (
        <ConfirmButton
          title={`${label}: ${detail.reference}`}
          message={
            <>
              {held ? "It is queued at once, ahead of the automatic schedule, but it cannot go out yet: " : "The dossier is sent to Symphonics straight away, ahead of the automatic schedule"}
              {held ? <ExplanationText explanation={detail.explanation} /> : null}
              {retry ? `${held ? " It" : "; it"} has been attempted ${detail.publication.attempt_count} time${detail.publication.attempt_count > 1 ? "s" : ""} before.` : held ? "" : "."}
            </>
          }
          confirmLabel={label}
          onConfirm={() => mutation.mutate()}
          disabled={blocked || mutation.isPending}
        >
          {mutation.isPending ? "Requesting…" : label}
        </ConfirmButton>
      )}
      {blocked && !mutation.isSuccess && (
        <div className="text-sm text-slate-700" id="publish-blockers">
          <p className="font-medium">{label} is not possible:</p>
          <ul className="list-disc pl-5">
            {detail.blockers.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </div>
      )}
      <div aria-live="polite" className="text-sm">
        {stateNow && (
          <p className="text-emerald-800">
            {stateNow === "published"
              ? "Requested — now published to Symphonics."
              : `Requested — now ${publicationLabels[stateNow].label.toLowerCase()}. This page follows it as it changes.`}
          </p>
        )}
        {mutation.isError && (
          <p className="text-red-800" role="alert">
            {mutation.error.message}
          </p>
        )}
      </div>
    </div>
  );
}

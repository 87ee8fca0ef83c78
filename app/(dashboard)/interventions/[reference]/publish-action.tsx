"use client";

import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import type { PublicationStatus } from "@/db/schema";
import { apiFetch } from "@/components/api";
import { ConfirmButton } from "@/components/confirm-button";
import { ExplanationText } from "@/components/explanation";
import { useViewer } from "@/components/providers";
import { usePublicationLabel } from "@/components/status";
import { isUnderway } from "@/lib/publication/status";

/** Publish now (never attempted) or Retry now (attempted before): operators and admins only. */
export function PublishAction({ detail, onChanged }: { detail: InterventionDetail; onChanged: () => void }) {
  const t = useTranslations("publish");
  const publicationLabel = usePublicationLabel();
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
  const label = retry ? t("retryNow") : t("publishNow");
  const blocked = detail.blockers.length > 0;
  // What holds every publication (no worker, circuit open, rate limit) holds this one too: said before it is asked.
  const held = ["no_worker", "circuit_open", "rate_limited"].includes(detail.explanation.code);
  return (
    <div className="w-full max-w-sm space-y-2 sm:w-auto">
      {!published && (
        <ConfirmButton
          title={t("confirmTitle", { action: label, reference: detail.reference })}
          message={
            <>
              {held ? `${t("heldIntro")} ` : t("sentAtOnce")}
              {held ? <ExplanationText explanation={detail.explanation} /> : null}
              {retry ? t(held ? "attemptedBeforeHeld" : "attemptedBefore", { count: detail.publication.attempt_count }) : held ? "" : "."}
            </>
          }
          confirmLabel={label}
          onConfirm={() => mutation.mutate()}
          disabled={blocked || mutation.isPending}
        >
          {mutation.isPending ? t("requesting") : label}
        </ConfirmButton>
      )}
      {blocked && !mutation.isSuccess && (
        <div className="text-sm text-slate-700" id="publish-blockers">
          <p className="font-medium">{t("notPossible", { action: label })}</p>
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
            {stateNow === "published" ? t("requestedPublished") : t("requestedNow", { state: publicationLabel(stateNow).label.toLowerCase() })}
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

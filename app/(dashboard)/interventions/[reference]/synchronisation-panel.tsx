import { useTranslations } from "next-intl";
import { Details, ExplanationText } from "@/components/explanation";
import { LocalTime } from "@/components/local-time";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { Field } from "./panel";
import { PublishAction } from "./publish-action";

/** Where the publication stands, with Publish now / Retry now. */
export function SynchronisationPanel({ detail, onChanged }: { detail: InterventionDetail; onChanged: () => void }) {
  const t = useTranslations("synchronisation");
  const { publication } = detail;
  return (
    <section aria-labelledby="sync-title" className="card p-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 id="sync-title" className="font-medium">
            {t("title")}
          </h2>
          <p className="mt-1 max-w-3xl text-sm text-slate-800" id="sync-explanation">
            <ExplanationText explanation={detail.explanation} />
          </p>
          <dl className="mt-2 grid grid-cols-2 gap-x-8 gap-y-1 text-sm sm:grid-cols-3">
            <Field label={t("dossierId")}>{publication.dossier_id ? <span className="font-mono">{publication.dossier_id}</span> : t("notCreated")}</Field>
            <Field label={t("dossierStatus")}>{publication.dossier_status ? t(`dossierStatuses.${publication.dossier_status}`) : "—"}</Field>
            <Field label={t("attempts")}>{publication.attempt_count}</Field>
            <Field label={t("published")}>
              <LocalTime value={publication.published_at} />
            </Field>
            <Field label={t("nextAttempt")}>
              <LocalTime value={publication.next_attempt_at} />
            </Field>
            <Field label={t("lastError")}>
              {publication.last_error && detail.lastErrorText ? (
                <>
                  {detail.lastErrorText} (<LocalTime value={publication.last_error.at} />){" "}
                  <Details>{[publication.last_error.code, publication.last_error.message].filter(Boolean).join("\n")}</Details>
                </>
              ) : (
                "—"
              )}
            </Field>
          </dl>
        </div>
        <PublishAction detail={detail} onChanged={onChanged} />
      </div>
    </section>
  );
}

import { LocalTime } from "@/components/local-time";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { Field } from "./panel";
import { PublishAction } from "./publish-action";

/** Where the publication stands, with Publish now / Retry now. */
export function SynchronisationPanel({ detail, onChanged }: { detail: InterventionDetail; onChanged: () => void }) {
  const { publication } = detail;
  return (
    <section aria-labelledby="sync-title" className="card p-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 id="sync-title" className="font-medium">
            Synchronisation with Symphonics
          </h2>
          <dl className="mt-2 grid grid-cols-2 gap-x-8 gap-y-1 text-sm sm:grid-cols-3">
            <Field label="Dossier id">{publication.dossier_id ? <span className="font-mono">{publication.dossier_id}</span> : "Not created yet"}</Field>
            <Field label="Dossier status">{publication.dossier_status ?? "—"}</Field>
            <Field label="Attempts">{publication.attempt_count}</Field>
            <Field label="Published">
              <LocalTime value={publication.published_at} />
            </Field>
            <Field label="Next automatic attempt">
              <LocalTime value={publication.next_attempt_at} />
            </Field>
            <Field label="Last error">
              {publication.last_error?.message ? (
                <>
                  <span className="font-mono text-xs">{publication.last_error.code}: </span>
                  {publication.last_error.message} (<LocalTime value={publication.last_error.at} />)
                </>
              ) : (
                "—"
              )}
            </Field>
          </dl>
          {publication.rejection_reason && (
            <p className="mt-3 rounded-md bg-red-50 p-2 text-sm text-red-900">Symphonics rejected the dossier: {publication.rejection_reason}</p>
          )}
        </div>
        <PublishAction detail={detail} onChanged={onChanged} />
      </div>
    </section>
  );
}

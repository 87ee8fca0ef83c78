"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import type { InterventionDetail } from "@/app/api/dashboard/interventions/[reference]/query";
import { apiFetch, ApiError } from "@/components/api";
import { duration, LocalTime } from "@/components/local-time";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { interventionLabels, PublicationBadge } from "@/components/status";
import { isUnderway } from "@/lib/publication/status";
import { PublishAction } from "./publish-action";

export function InterventionView({ reference }: { reference: string }) {
  const query = useQuery({
    queryKey: ["intervention", reference],
    queryFn: () => apiFetch<InterventionDetail>(`/api/dashboard/interventions/${encodeURIComponent(reference)}`),
    // While a publication is on its way, the page follows it closely.
    refetchInterval: (q) => (q.state.data && isUnderway(q.state.data.publication.status) ? 2_000 : 15_000),
  });

  if (query.isPending) return <LoadingState label={`Loading ${reference}…`} />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      return (
        <EmptyState title={`No intervention has the reference ${reference}.`}>
          <Link href="/interventions" className="text-sky-800 underline">
            Back to the list
          </Link>
        </EmptyState>
      );
    }
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }
  const data = query.data;
  const { publication } = data;
  const localProblems = data.dossier.ok ? [] : data.dossier.problems;

  return (
    <div className="space-y-6">
      <div>
        <Link href="/interventions" className="text-sm text-sky-800 hover:underline">
          ← Interventions
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="font-mono text-2xl font-semibold">{data.reference}</h1>
          <PublicationBadge status={publication.status} />
          <span className="text-sm text-slate-600">{interventionLabels[data.status]}</span>
        </div>
      </div>

      <section aria-labelledby="sync-title" className="card p-4">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h2 id="sync-title" className="font-medium">
              Synchronisation with Symphonics
            </h2>
            <dl className="mt-2 grid grid-cols-2 gap-x-8 gap-y-1 text-sm sm:grid-cols-3">
              <Field label="Dossier id">{publication.dossierId ? <span className="font-mono">{publication.dossierId}</span> : "Not created yet"}</Field>
              <Field label="Dossier status">{publication.dossierStatus ?? "—"}</Field>
              <Field label="Attempts">{publication.attemptCount}</Field>
              <Field label="Published">
                <LocalTime value={publication.publishedAt} />
              </Field>
              <Field label="Next automatic attempt">
                <LocalTime value={publication.nextAttemptAt} />
              </Field>
              <Field label="Last error">
                {publication.lastErrorMessage ? (
                  <>
                    {publication.lastErrorCode && <span className="font-mono text-xs">{publication.lastErrorCode}: </span>}
                    {publication.lastErrorMessage} (<LocalTime value={publication.lastErrorAt} />)
                  </>
                ) : (
                  "—"
                )}
              </Field>
            </dl>
            {publication.rejectionReason && (
              <p className="mt-3 rounded-md bg-red-50 p-2 text-sm text-red-900">Symphonics rejected the dossier: {publication.rejectionReason}</p>
            )}
          </div>
          <PublishAction detail={data} onChanged={() => void query.refetch()} />
        </div>
      </section>

      {(localProblems.length > 0 || publication.problems.length > 0) && (
        <section aria-labelledby="problems-title" className="rounded-lg border border-orange-300 bg-orange-50 p-4">
          <h2 id="problems-title" className="font-medium text-orange-950">
            Validation problems to correct in the workforce application
          </h2>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-orange-950">
            {[...localProblems, ...publication.problems].map((problem, index) => (
              <li key={`${problem.field}-${index}`}>
                <span className="font-mono text-xs">{problem.field}</span>: {problem.message}
              </li>
            ))}
          </ul>
        </section>
      )}

      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Beneficiary">
          {data.beneficiary.erasedAt ? (
            <p className="text-sm text-slate-600">Personal data erased on request.</p>
          ) : (
            <dl className="grid grid-cols-2 gap-2 text-sm">
              <Field label="Name">
                {data.beneficiary.firstName} {data.beneficiary.lastName}
              </Field>
              <Field label="Email">{data.beneficiary.email}</Field>
              <Field label="Phone">{data.beneficiary.phone}</Field>
              <Field label="Symphonics contract signed">{data.beneficiary.contractSignedAt ? <LocalTime value={data.beneficiary.contractSignedAt} /> : <span className="text-red-700">Not signed</span>}</Field>
            </dl>
          )}
        </Panel>
        <Panel title="Installation">
          <dl className="grid grid-cols-2 gap-2 text-sm">
            <Field label="Address">
              {data.installation.address}, {data.installation.postalCode} {data.installation.city}
            </Field>
            <Field label="Completed">
              <LocalTime value={data.completedAt} />
            </Field>
            <Field label="PDL (electricity)">
              <span className="font-mono">{data.installation.pdl}</span>
            </Field>
            <Field label="PCE (gas)">
              <span className="font-mono">{data.installation.pce ?? "—"}</span>
            </Field>
            <Field label="Operations">{data.operations.length ? data.operations.join(", ") : "None"}</Field>
            <Field label="Equipment">{data.products.length ? data.products.map((p) => `${p.name} (${p.model})`).join("; ") : "None"}</Field>
          </dl>
        </Panel>
      </div>

      <Panel title={`Documents (${data.documents.length})`}>
        {data.documents.length === 0 ? (
          <p className="text-sm text-slate-600">No documents.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.documents.map((document) => (
              <li key={document.filePath} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <a href={document.url} target="_blank" rel="noreferrer" className="font-mono text-xs text-sky-800 hover:underline">
                  {document.filePath}
                </a>
                <span className="text-slate-600">{document.type ?? "untyped"}</span>
                {!document.requiresSignature ? (
                  <span className="text-slate-500">No signature needed</span>
                ) : document.signedAt ? (
                  <span className="text-emerald-700">
                    Signed <LocalTime value={document.signedAt} />
                  </span>
                ) : (
                  <span className="font-medium text-red-700">Not signed</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title={`Photos (${data.photos.total})`}>
        {data.photos.total === 0 ? (
          <p className="text-sm text-slate-600">No photos.</p>
        ) : (
          <>
            <ul className="grid grid-cols-3 gap-2 sm:grid-cols-6 lg:grid-cols-8">
              {data.photos.thumbnails.map((photo) => (
                <li key={photo.filePath}>
                  <a href={photo.url} target="_blank" rel="noreferrer" className="block aspect-square overflow-hidden rounded border border-slate-200 bg-slate-100" title={photo.filePath}>
                    {/* eslint-disable-next-line @next/next/no-img-element -- signed, expiring links: nothing for next/image to optimise or cache */}
                    <img src={photo.url} alt={`Photo ${photo.filePath.split("/").pop()}`} loading="lazy" className="h-full w-full object-cover" />
                  </a>
                </li>
              ))}
            </ul>
            {data.photos.total > data.photos.thumbnails.length && (
              <p className="mt-2 text-xs text-slate-600">
                Showing the first {data.photos.thumbnails.length} of {data.photos.total} photos; every one is in the dossier below.
              </p>
            )}
          </>
        )}
      </Panel>

      <Panel title="Dossier sent to Symphonics">
        {data.dossier.ok ? (
          <details>
            <summary className="cursor-pointer text-sm text-sky-800">
              {publication.status === "published" ? "The dossier as built from the current data" : "The exact dossier that will be sent"}
              {data.dossier.extraPhotoBatches > 0 && ` (plus ${data.dossier.extraPhotoBatches} further photo batch${data.dossier.extraPhotoBatches > 1 ? "es" : ""})`}
            </summary>
            <pre className="mt-2 max-h-96 overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100">{JSON.stringify(data.dossier.payload, null, 2)}</pre>
          </details>
        ) : (
          <p className="text-sm text-orange-900">No dossier can be built until the validation problems above are corrected.</p>
        )}
      </Panel>

      <Panel title={`Attempts (${data.attempts.length})`}>
        {data.attempts.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing has been sent yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-600">
                <tr>
                  <th scope="col" className="py-1 pr-3">Time</th>
                  <th scope="col" className="py-1 pr-3">Request</th>
                  <th scope="col" className="py-1 pr-3">Outcome</th>
                  <th scope="col" className="py-1 pr-3">Code</th>
                  <th scope="col" className="py-1 pr-3 text-right">Duration</th>
                  <th scope="col" className="py-1 pr-3">Message</th>
                  <th scope="col" className="py-1">By</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.attempts.map((attempt) => (
                  <tr key={attempt.id}>
                    <td className="py-1 pr-3 whitespace-nowrap">
                      <LocalTime value={attempt.startedAt} withSeconds />
                    </td>
                    <td className="py-1 pr-3 font-mono text-xs">{attempt.operation}</td>
                    <td className={`py-1 pr-3 ${attempt.outcome === "success" || attempt.outcome === "exists" ? "text-emerald-700" : "text-red-700"}`}>{attempt.outcome}</td>
                    <td className="py-1 pr-3 font-mono text-xs">
                      {attempt.httpStatus ?? "—"}
                      {attempt.problemCode && ` ${attempt.problemCode}`}
                    </td>
                    <td className="py-1 pr-3 text-right tabular-nums">{duration(attempt.durationMs)}</td>
                    <td className="py-1 pr-3 text-slate-700">{attempt.message ?? ""}</td>
                    <td className="py-1 text-xs text-slate-600">
                      {attempt.trigger} · {attempt.triggeredBy}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      <Panel title={`Webhook events (${data.webhookEvents.length})`}>
        {data.webhookEvents.length === 0 ? (
          <p className="text-sm text-slate-600">Symphonics has not notified anything about this dossier yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.webhookEvents.map((event) => (
              <li key={event.id} className="flex flex-wrap gap-x-4 py-2">
                <LocalTime value={event.receivedAt} withSeconds />
                <span className="font-mono text-xs">{event.type}</span>
                {event.status && <span>status {event.status}</span>}
                {event.reason && <span className="text-slate-700">{event.reason}</span>}
                <span className="text-xs text-slate-500">{event.outcome}</span>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card p-4">
      <h2 className="mb-3 font-medium">{title}</h2>
      {children}
    </section>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

import { LocalTime } from "@/components/local-time";
import { beneficiaryNameOf, NAME_NOT_GIVEN } from "@/lib/dashboard/beneficiary-name";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { Field, Panel } from "./panel";

/** The intervention's data as the workforce application sent it: who, where, what, and its files. */
export function BeneficiaryPanel({ beneficiary }: { beneficiary: InterventionDetail["beneficiary"] }) {
  return (
    <Panel title="Beneficiary">
      {beneficiary.erasedAt ? (
        <p className="text-sm text-slate-600">Personal data erased on request.</p>
      ) : (
        <dl className="grid grid-cols-2 gap-2 text-sm">
          <Field label="Name">{beneficiaryNameOf(beneficiary.firstName, beneficiary.lastName) ?? NAME_NOT_GIVEN}</Field>
          <Field label="Email">{beneficiary.email}</Field>
          <Field label="Phone">{beneficiary.phone}</Field>
          <Field label="Symphonics contract signed">{beneficiary.contractSignedAt ? <LocalTime value={beneficiary.contractSignedAt} /> : <span className="text-red-700">Not signed</span>}</Field>
        </dl>
      )}
    </Panel>
  );
}

export function InstallationPanel({ detail }: { detail: InterventionDetail }) {
  return (
    <Panel title="Installation">
      <dl className="grid grid-cols-2 gap-2 text-sm">
        <Field label="Address">
          {detail.installation.address}, {detail.installation.postalCode} {detail.installation.city}
        </Field>
        <Field label="Completed">
          <LocalTime value={detail.completedAt} />
        </Field>
        <Field label="PDL (electricity)">
          <span className="font-mono">{detail.installation.pdl}</span>
        </Field>
        <Field label="PCE (gas)">
          <span className="font-mono">{detail.installation.pce ?? "—"}</span>
        </Field>
        <Field label="Operations">{detail.operations.length ? detail.operations.join(", ") : "None"}</Field>
        <Field label="Equipment">{detail.products.length ? detail.products.map((p) => `${p.name} (${p.model})`).join("; ") : "None"}</Field>
      </dl>
    </Panel>
  );
}

export function DocumentsPanel({ documents }: { documents: InterventionDetail["documents"] }) {
  return (
    <Panel title={`Documents (${documents.length})`}>
      {documents.length === 0 ? (
        <p className="text-sm text-slate-600">No documents.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {documents.map((document) => (
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
  );
}

export function PhotosPanel({ photos }: { photos: InterventionDetail["photos"] }) {
  return (
    <Panel title={`Photos (${photos.total})`}>
      {photos.total === 0 ? (
        <p className="text-sm text-slate-600">No photos.</p>
      ) : (
        <>
          <ul className="grid grid-cols-3 gap-2 sm:grid-cols-6 lg:grid-cols-8">
            {photos.thumbnails.map((photo) => (
              <li key={photo.filePath}>
                <a href={photo.url} target="_blank" rel="noreferrer" className="block aspect-square overflow-hidden rounded border border-slate-200 bg-slate-100" title={photo.filePath}>
                  {/* eslint-disable-next-line @next/next/no-img-element -- signed, expiring links: nothing for next/image to optimise or cache */}
                  <img src={photo.url} alt={`Photo ${photo.filePath.split("/").pop()}`} loading="lazy" className="h-full w-full object-cover" />
                </a>
              </li>
            ))}
          </ul>
          {photos.total > photos.thumbnails.length && (
            <p className="mt-2 text-xs text-slate-600">
              Showing the first {photos.thumbnails.length} of {photos.total} photos; every one is in the dossier below.
            </p>
          )}
        </>
      )}
    </Panel>
  );
}

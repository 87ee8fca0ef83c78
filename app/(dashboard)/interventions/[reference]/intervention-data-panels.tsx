import { useTranslations } from "next-intl";
import { LocalTime } from "@/components/local-time";
import { beneficiaryNameOf } from "@/lib/dashboard/beneficiary-name";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { Field, Panel } from "./panel";

/** The intervention's data as the workforce application sent it: who, where, what, and its files. */
export function BeneficiaryPanel({ beneficiary }: { beneficiary: InterventionDetail["beneficiary"] }) {
  const t = useTranslations("data");
  const common = useTranslations("common");
  return (
    <Panel title={t("beneficiary")}>
      {beneficiary.erasedAt ? (
        <p className="text-sm text-slate-600">{t("erased")}</p>
      ) : (
        <dl className="grid grid-cols-2 gap-2 text-sm">
          <Field label={t("name")}>{beneficiaryNameOf(beneficiary.firstName, beneficiary.lastName) ?? common("nameNotGiven")}</Field>
          <Field label={t("email")}>{beneficiary.email}</Field>
          <Field label={t("phone")}>{beneficiary.phone}</Field>
          <Field label={t("contractSigned")}>{beneficiary.contractSignedAt ? <LocalTime value={beneficiary.contractSignedAt} /> : <span className="text-red-700">{t("notSigned")}</span>}</Field>
        </dl>
      )}
    </Panel>
  );
}

export function InstallationPanel({ detail }: { detail: InterventionDetail }) {
  const t = useTranslations("data");
  return (
    <Panel title={t("installation")}>
      <dl className="grid grid-cols-2 gap-2 text-sm">
        <Field label={t("address")}>
          {t("addressValue", { address: detail.installation.address ?? "—", postalCode: detail.installation.postalCode ?? "", city: detail.installation.city ?? "" })}
        </Field>
        <Field label={t("completed")}>
          <LocalTime value={detail.completedAt} />
        </Field>
        <Field label={t("pdl")}>
          <span className="font-mono">{detail.installation.pdl}</span>
        </Field>
        <Field label={t("pce")}>
          <span className="font-mono">{detail.installation.pce ?? "—"}</span>
        </Field>
        <Field label={t("operations")}>{detail.operations.length ? detail.operations.join(", ") : t("none")}</Field>
        <Field label={t("equipment")}>{detail.products.length ? detail.products.map((p) => t("product", { name: p.name, model: p.model })).join("; ") : t("none")}</Field>
      </dl>
    </Panel>
  );
}

export function DocumentsPanel({ documents }: { documents: InterventionDetail["documents"] }) {
  const t = useTranslations("data");
  return (
    <Panel title={t("documents", { count: documents.length })}>
      {documents.length === 0 ? (
        <p className="text-sm text-slate-600">{t("noDocuments")}</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {documents.map((document) => (
            <li key={document.filePath} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <a href={document.url} target="_blank" rel="noreferrer" className="font-mono text-xs text-sky-800 hover:underline">
                {document.filePath}
              </a>
              <span className="text-slate-600">{document.type ?? t("untyped")}</span>
              {!document.requiresSignature ? (
                <span className="text-slate-500">{t("noSignatureNeeded")}</span>
              ) : document.signedAt ? (
                <span className="text-emerald-700">
                  {t("signed")} <LocalTime value={document.signedAt} />
                </span>
              ) : (
                <span className="font-medium text-red-700">{t("notSigned")}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

export function PhotosPanel({ photos }: { photos: InterventionDetail["photos"] }) {
  const t = useTranslations("data");
  return (
    <Panel title={t("photos", { count: photos.total })}>
      {photos.total === 0 ? (
        <p className="text-sm text-slate-600">{t("noPhotos")}</p>
      ) : (
        <>
          <ul className="grid grid-cols-3 gap-2 sm:grid-cols-6 lg:grid-cols-8">
            {photos.thumbnails.map((photo) => (
              <li key={photo.filePath}>
                <a href={photo.url} target="_blank" rel="noreferrer" className="block aspect-square overflow-hidden rounded border border-slate-200 bg-slate-100" title={photo.filePath}>
                  {/* eslint-disable-next-line @next/next/no-img-element -- signed, expiring links: nothing for next/image to optimise or cache */}
                  <img src={photo.url} alt={t("photoAlt", { name: photo.filePath.split("/").pop() ?? "" })} loading="lazy" className="h-full w-full object-cover" />
                </a>
              </li>
            ))}
          </ul>
          {photos.total > photos.thumbnails.length && (
            <p className="mt-2 text-xs text-slate-600">
              {t("photosShown", { shown: photos.thumbnails.length, total: photos.total })}
            </p>
          )}
        </>
      )}
    </Panel>
  );
}

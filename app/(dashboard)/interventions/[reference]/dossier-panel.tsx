import { useTranslations } from "next-intl";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { Panel } from "./panel";

/** The exact JSON sent to Symphonics, or why none can be built yet. */
export function DossierPanel({ detail }: { detail: InterventionDetail }) {
  const t = useTranslations("dossier");
  const { dossier } = detail;
  return (
    <Panel title={t("title")}>
      {dossier.ok ? (
        <details>
          <summary className="cursor-pointer text-sm text-sky-800">
            {detail.publication.status === "published" ? t("asBuilt") : t("willBeSent")}
            {dossier.extraPhotoBatches > 0 && ` ${t("extraBatches", { count: dossier.extraPhotoBatches })}`}
          </summary>
          <pre className="mt-2 max-h-96 overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100">{JSON.stringify(dossier.payload, null, 2)}</pre>
        </details>
      ) : (
        <p className="text-sm text-orange-900">{t("cannotBuild")}</p>
      )}
    </Panel>
  );
}

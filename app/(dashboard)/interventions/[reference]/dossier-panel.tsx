import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { Panel } from "./panel";

/** The exact JSON sent to Symphonics, or why none can be built yet. */
export function DossierPanel({ detail }: { detail: InterventionDetail }) {
  const { dossier } = detail;
  return (
    <Panel title="Dossier sent to Symphonics">
      {dossier.ok ? (
        <details>
          <summary className="cursor-pointer text-sm text-sky-800">
            {detail.publication.status === "published" ? "The dossier as built from the current data" : "The exact dossier that will be sent"}
            {dossier.extraPhotoBatches > 0 && ` (plus ${dossier.extraPhotoBatches} further photo batch${dossier.extraPhotoBatches > 1 ? "es" : ""})`}
          </summary>
          <pre className="mt-2 max-h-96 overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100">{JSON.stringify(dossier.payload, null, 2)}</pre>
        </details>
      ) : (
        <p className="text-sm text-orange-900">No dossier can be built until the validation problems above are corrected.</p>
      )}
    </Panel>
  );
}

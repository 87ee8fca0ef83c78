import { useTranslations } from "next-intl";
import type { InterventionStatus, PublicationStatus } from "@/db/schema";
import type { SyncState } from "@/lib/publication/status";

/** The badge colour of each synchronisation state; its words are the catalogue's `states.publication`. */
const TONES: Record<SyncState, string> = {
  not_ready: "bg-slate-100 text-slate-700 ring-slate-300",
  queued: "bg-sky-50 text-sky-800 ring-sky-300",
  in_progress: "bg-indigo-50 text-indigo-800 ring-indigo-300",
  retrying: "bg-amber-50 text-amber-900 ring-amber-300",
  published: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  needs_review: "bg-orange-50 text-orange-900 ring-orange-300",
  failed: "bg-red-50 text-red-800 ring-red-300",
  resolved: "bg-teal-50 text-teal-800 ring-teal-300",
  cancelled: "bg-zinc-100 text-zinc-600 ring-zinc-300",
};

/** The publication statuses the list filters by (cancelled is an intervention status, filtered as such). */
export const publicationStates = (Object.keys(TONES) as SyncState[]).filter((state): state is PublicationStatus => state !== "cancelled");

export const interventionStates: InterventionStatus[] = ["scheduled", "in_progress", "installation_done", "published", "cancelled"];

/** A synchronisation state in staff words, with what it means. */
export function usePublicationLabel(): (state: SyncState) => { label: string; help: string } {
  const t = useTranslations("states.publication");
  return (state) => ({ label: t(`${state}.label`), help: t(`${state}.help`) });
}

/** An intervention status in staff words. */
export function useInterventionLabel(): (status: InterventionStatus) => string {
  const t = useTranslations("states.intervention");
  return (status) => t(status);
}

export function PublicationBadge({ status }: { status: SyncState }) {
  const { label, help } = usePublicationLabel()(status);
  return (
    <span title={help} className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${TONES[status]}`}>
      {label}
    </span>
  );
}

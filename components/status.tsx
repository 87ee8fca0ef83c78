import type { InterventionStatus, PublicationStatus } from "@/db/schema";
import type { SyncState } from "@/lib/publication/status";

/** Synchronisation states in staff words, with what each means. */
export const publicationLabels: Record<SyncState, { label: string; help: string; tone: string }> = {
  not_ready: { label: "Not ready", help: "Not eligible yet: installation, contract or a signature missing", tone: "bg-slate-100 text-slate-700 ring-slate-300" },
  queued: { label: "Queued", help: "Waiting for a worker to send it", tone: "bg-sky-50 text-sky-800 ring-sky-300" },
  in_progress: { label: "Sending", help: "A worker is sending it to Symphonics now", tone: "bg-indigo-50 text-indigo-800 ring-indigo-300" },
  retrying: { label: "Retrying", help: "The last attempt failed; another is scheduled", tone: "bg-amber-50 text-amber-900 ring-amber-300" },
  published: { label: "Published", help: "Symphonics holds the dossier", tone: "bg-emerald-50 text-emerald-800 ring-emerald-300" },
  needs_review: { label: "Needs review", help: "The data must be corrected before it can be sent", tone: "bg-orange-50 text-orange-900 ring-orange-300" },
  failed: { label: "Failed", help: "Every automatic retry failed; a person must act", tone: "bg-red-50 text-red-800 ring-red-300" },
  resolved: { label: "Resolved", help: "Symphonics rejected the dossier; a person settled it and noted how", tone: "bg-teal-50 text-teal-800 ring-teal-300" },
  cancelled: { label: "Cancelled", help: "The intervention was cancelled: it is never sent", tone: "bg-zinc-100 text-zinc-600 ring-zinc-300" },
};

/** The publication statuses the list filters by (cancelled is an intervention status, filtered as such). */
export const publicationStates = (Object.keys(publicationLabels) as SyncState[]).filter((state): state is PublicationStatus => state !== "cancelled");

export const interventionLabels: Record<InterventionStatus, string> = {
  scheduled: "Scheduled",
  in_progress: "In progress",
  installation_done: "Installation done",
  published: "Published",
  cancelled: "Cancelled",
};

export function PublicationBadge({ status }: { status: SyncState }) {
  const { label, help, tone } = publicationLabels[status];
  return (
    <span title={help} className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${tone}`}>
      {label}
    </span>
  );
}

export const interventionStates = Object.keys(interventionLabels) as InterventionStatus[];

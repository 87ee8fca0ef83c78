"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { apiFetch } from "@/components/api";
import { LIVE_SAFETY_NET_MS, useLive } from "@/components/live";
import { EmptyState, QueryBoundary } from "@/components/states";
import { PublicationBadge, useInterventionLabel } from "@/components/status";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";
import { DossierPanel } from "./dossier-panel";
import { TimelinePanel } from "./history-panels";
import { BeneficiaryPanel, DocumentsPanel, InstallationPanel, PhotosPanel } from "./intervention-data-panels";
import { ProblemsPanel } from "./problems-panel";
import { ResolutionPanel } from "./resolution-panel";
import { SynchronisationPanel } from "./synchronisation-panel";
import { isUnderway } from "@/lib/publication/status";

export function InterventionView({ reference }: { reference: string }) {
  const live = useLive();
  const t = useTranslations("intervention");
  const interventionLabel = useInterventionLabel();
  const query = useQuery({
    queryKey: ["intervention", reference],
    queryFn: () => apiFetch<InterventionDetail>(`/api/dashboard/interventions/${encodeURIComponent(reference)}`),
    // Changes arrive as events (components/live.tsx); without them, the page follows a publication on its way closely.
    refetchInterval: (q) => (live ? LIVE_SAFETY_NET_MS : q.state.data && isUnderway(q.state.data.publication.status) ? 1_000 : 15_000),
  });

  return (
    <QueryBoundary
      query={query}
      loadingLabel={t("loading", { reference })}
      notFound={
        <EmptyState title={t("notFound", { reference })}>
          <Link href="/interventions" className="text-sky-800 underline">
            {t("backToList")}
          </Link>
        </EmptyState>
      }
    >
      {(detail) => (
        <div className="space-y-6">
          <div>
            <Link href="/interventions" className="text-sm text-sky-800 hover:underline">
              {t("back")}
            </Link>
            <div className="mt-1 flex flex-wrap items-center gap-3">
              <h1 className="font-mono text-2xl font-semibold">{detail.reference}</h1>
              <PublicationBadge status={detail.syncState} />
              <span className="text-sm text-slate-600">{interventionLabel(detail.status)}</span>
            </div>
          </div>
          <SynchronisationPanel detail={detail} onChanged={() => void query.refetch()} />
          <ResolutionPanel detail={detail} onChanged={() => void query.refetch()} />
          <ProblemsPanel detail={detail} />
          <div className="grid gap-6 lg:grid-cols-2">
            <BeneficiaryPanel beneficiary={detail.beneficiary} />
            <InstallationPanel detail={detail} />
          </div>
          <DocumentsPanel documents={detail.documents} />
          <PhotosPanel photos={detail.photos} />
          <DossierPanel detail={detail} />
          <TimelinePanel timeline={detail.timeline} />
        </div>
      )}
    </QueryBoundary>
  );
}

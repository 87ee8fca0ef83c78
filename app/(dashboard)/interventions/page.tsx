import type { Metadata } from "next";
import { pageTitle } from "@/lib/i18n/page-title";
import { Suspense } from "react";
import { LoadingState } from "@/components/states";
import { InterventionsView } from "./interventions-view";

export const generateMetadata = (): Promise<Metadata> => pageTitle({ key: "interventions" });

export default function InterventionsPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <InterventionsView />
    </Suspense>
  );
}

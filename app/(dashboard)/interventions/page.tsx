import type { Metadata } from "next";
import { Suspense } from "react";
import { LoadingState } from "@/components/states";
import { InterventionsView } from "./interventions-view";

export const metadata: Metadata = { title: "Interventions · Symphonics publications" };

export default function InterventionsPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <InterventionsView />
    </Suspense>
  );
}

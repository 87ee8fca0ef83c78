import type { Metadata } from "next";
import { pageTitle } from "@/lib/i18n/page-title";
import { OverviewView } from "./overview-view";

export const generateMetadata = (): Promise<Metadata> => pageTitle({ key: "overview" });

export default function OverviewPage() {
  return <OverviewView />;
}

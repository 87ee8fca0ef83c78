import type { Metadata } from "next";
import { pageTitle } from "@/lib/i18n/page-title";
import { InterventionView } from "./intervention-view";

type Props = { params: Promise<{ reference: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return pageTitle(decodeURIComponent((await params).reference));
}

export default async function InterventionPage({ params }: Props) {
  return <InterventionView reference={decodeURIComponent((await params).reference)} />;
}

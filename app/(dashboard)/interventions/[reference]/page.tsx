import type { Metadata } from "next";
import { InterventionView } from "./intervention-view";

type Props = { params: Promise<{ reference: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${decodeURIComponent((await params).reference)} · Symphonics publications` };
}

export default async function InterventionPage({ params }: Props) {
  return <InterventionView reference={decodeURIComponent((await params).reference)} />;
}

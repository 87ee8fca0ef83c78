import type { Metadata } from "next";
import { AttentionView } from "./attention-view";

export const metadata: Metadata = { title: "Needs attention · Symphonics publications" };

export default function AttentionPage() {
  return <AttentionView />;
}

import type { Metadata } from "next";
import { pageTitle } from "@/lib/i18n/page-title";
import { AttentionView } from "./attention-view";

export const generateMetadata = (): Promise<Metadata> => pageTitle({ key: "attention" });

export default function AttentionPage() {
  return <AttentionView />;
}

import type { Metadata } from "next";
import { pageTitle } from "@/lib/i18n/page-title";
import { TokensView } from "./tokens-view";

export const generateMetadata = (): Promise<Metadata> => pageTitle({ key: "tokens" });

export default function TokensPage() {
  return <TokensView />;
}

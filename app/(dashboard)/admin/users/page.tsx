import type { Metadata } from "next";
import { pageTitle } from "@/lib/i18n/page-title";
import { UsersView } from "./users-view";

export const generateMetadata = (): Promise<Metadata> => pageTitle({ key: "users" });

export default function UsersPage() {
  return <UsersView />;
}

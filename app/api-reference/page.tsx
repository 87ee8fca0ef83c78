import type { Metadata } from "next";
import { openApiDocument } from "@/lib/openapi/document";
import { ApiReference } from "./api-reference";

export const metadata: Metadata = { title: "API reference · Symphonics publications" };

/** The interactive API reference, rendered from the same document /api/openapi serves. */
export default function ApiReferencePage() {
  return <ApiReference document={openApiDocument()} />;
}

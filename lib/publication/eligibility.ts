import type { InterventionStatus, PublicationStatus } from "@/db/schema";

export interface EligibilityInput {
  status: InterventionStatus;
  contractSignedAt: Date | null;
  documents: { filePath: string; requiresSignature: boolean; signedAt: Date | null }[];
  publicationStatus: PublicationStatus;
}

export type Eligibility = { eligible: true } | { eligible: false; reasons: string[] };

/**
 * An intervention goes to Symphonics when the installation is done, the beneficiary signed the
 * Symphonics contract, every document needing a signature is signed, and it is not yet published.
 */
export function checkEligibility(input: EligibilityInput): Eligibility {
  const reasons: string[] = [];
  if (input.publicationStatus === "published" || input.status === "published") {
    return { eligible: false, reasons: ["It is already published to Symphonics."] };
  }
  if (input.status !== "installation_done") {
    reasons.push(`The installation is not done yet (status: ${input.status.replace("_", " ")}).`);
  }
  if (!input.contractSignedAt) reasons.push("The beneficiary has not signed the Symphonics contract.");
  const unsigned = input.documents.filter((d) => d.requiresSignature && !d.signedAt);
  for (const document of unsigned) reasons.push(`The document ${document.filePath} is not signed.`);
  return reasons.length ? { eligible: false, reasons } : { eligible: true };
}

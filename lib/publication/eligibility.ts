import type { InterventionStatus, PublicationStatus } from "@/db/schema";
import type { FieldProblem } from "@/lib/errors";

export interface EligibilityInput {
  status: InterventionStatus;
  contractSignedAt: Date | null;
  /** In the workforce app's order, so that problems can name documents[i]. */
  documents: { filePath: string; requiresSignature: boolean; signedAt: Date | null }[];
  publicationStatus: PublicationStatus;
}

/** `problems` says the same as `reasons`, against the workforce app's field names. */
export type Eligibility = { eligible: true } | { eligible: false; reasons: string[]; problems: FieldProblem[] };

/**
 * An intervention goes to Symphonics when the installation is done, the beneficiary signed the
 * Symphonics contract, every document needing a signature is signed, and it is not yet published.
 */
export function checkEligibility(input: EligibilityInput): Eligibility {
  const problems: FieldProblem[] = [];
  if (input.publicationStatus === "published" || input.status === "published") {
    const message = "It is already published to Symphonics.";
    return { eligible: false, reasons: [message], problems: [{ field: "status", message }] };
  }
  if (input.publicationStatus === "resolved") {
    const message = "Symphonics rejected its dossier and a person marked it resolved: it is not sent again.";
    return { eligible: false, reasons: [message], problems: [{ field: "status", message }] };
  }
  if (input.status === "cancelled") {
    const message = "The intervention was cancelled: it is never sent to Symphonics.";
    return { eligible: false, reasons: [message], problems: [{ field: "status", message }] };
  }
  if (input.status !== "installation_done") {
    problems.push({ field: "status", message: `The installation is not done yet (status: ${input.status.replace("_", " ")}).` });
  }
  if (!input.contractSignedAt) problems.push({ field: "contract_signed_at", message: "The beneficiary has not signed the Symphonics contract." });
  input.documents.forEach((document, index) => {
    if (document.requiresSignature && !document.signedAt) {
      problems.push({ field: `documents[${index}].signed_at`, message: `The document ${document.filePath} is not signed.` });
    }
  });
  return problems.length ? { eligible: false, reasons: problems.map((problem) => problem.message), problems } : { eligible: true };
}

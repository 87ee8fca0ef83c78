import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { interventionDocuments, type InterventionStatus, type PublicationStatus } from "@/db/schema";
import type { FieldProblem } from "@/lib/errors";
import { translator } from "@/lib/i18n/catalogue";
import type { Locale } from "@/lib/i18n/locales";

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
export function checkEligibility(input: EligibilityInput, locale: Locale = "en"): Eligibility {
  const t = translator(locale, "eligibility");
  const problems: FieldProblem[] = [];
  if (input.publicationStatus === "published" || input.status === "published") {
    const message = t("published");
    return { eligible: false, reasons: [message], problems: [{ field: "status", message }] };
  }
  if (input.publicationStatus === "resolved") {
    const message = t("resolved");
    return { eligible: false, reasons: [message], problems: [{ field: "status", message }] };
  }
  if (input.status === "cancelled") {
    const message = t("cancelled");
    return { eligible: false, reasons: [message], problems: [{ field: "status", message }] };
  }
  if (input.status !== "installation_done") {
    problems.push({ field: "status", message: t("notInstalled", { status: t(`statuses.${input.status}`) }) });
  }
  if (!input.contractSignedAt) problems.push({ field: "contract_signed_at", message: t("noContract") });
  input.documents.forEach((document, index) => {
    if (document.requiresSignature && !document.signedAt) {
      problems.push({ field: `documents[${index}].signed_at`, message: t("unsigned", { path: document.filePath }) });
    }
  });
  return problems.length ? { eligible: false, reasons: problems.map((problem) => problem.message), problems } : { eligible: true };
}

/**
 * checkEligibility's rule in SQL, for an intervention whose publication is underway (so neither
 * published nor resolved): the batch claim decides in its one statement which publications go, and
 * leaves the others to checkEligibility, which says why. eligibility.test.ts holds both to the same
 * answers.
 */
export function eligibleSql(intervention: { id: SQLWrapper; status: SQLWrapper; contractSignedAt: SQLWrapper }): SQL {
  return sql`(${intervention.status} = 'installation_done' and ${intervention.contractSignedAt} is not null and not exists (
    select 1 from ${interventionDocuments}
    where ${interventionDocuments.interventionId} = ${intervention.id} and ${interventionDocuments.requiresSignature} and ${interventionDocuments.signedAt} is null))`;
}

import { getDb } from "@/db/client";
import { route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";
import { exportBeneficiaryData } from "@/lib/privacy/beneficiary-data";

/** GET: an admin exports the personal data of the beneficiary of intervention {reference}. */
export const GET = route(operations.exportBeneficiaryData, async ({ principal, params: { reference } }) => {
  const data = await exportBeneficiaryData(getDb(), reference, principal);
  return Response.json(data, {
    headers: { "content-disposition": `attachment; filename="beneficiary-${reference}.json"`, "cache-control": "no-store" },
  });
});

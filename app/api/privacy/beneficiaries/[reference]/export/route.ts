import { getDb } from "@/db/client";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";
import { exportBeneficiaryData } from "@/lib/privacy/beneficiary-data";

/** GET: an admin exports the personal data of the beneficiary of intervention {reference}. */
const exportData = route(operations.exportBeneficiaryData, async ({ principal, params: { reference } }) => {
  const data = await exportBeneficiaryData(getDb(), reference, principal);
  return Response.json(data, {
    headers: { "content-disposition": `attachment; filename="beneficiary-${reference}.json"`, "cache-control": "no-store" },
  });
});

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ GET: exportData });

import { getDb } from "@/db/client";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";
import { eraseBeneficiaryData } from "@/lib/privacy/beneficiary-data";
import { fileStorage } from "@/lib/storage/files";

/** POST: an admin erases the personal data of the beneficiary of intervention {reference}; the publication history stays. */
const erase = route(operations.eraseBeneficiaryData, async ({ principal, params: { reference } }) => {
  const result = await eraseBeneficiaryData(getDb(), reference, principal, fileStorage.absolutePath);
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ POST: erase });

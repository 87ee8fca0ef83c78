import { z } from "zod";
import { documentType, interventionStatus } from "@/db/schema";
import { isSafeStoragePath } from "@/lib/storage/paths";
import { isStorableText, storableTimestamp, UNSTORABLE_TEXT_MESSAGE } from "@/lib/values";

/**
 * What the workforce application sends, in its own field names. Intake checks only types, sizes
 * and what PostgreSQL can store; every beneficiary and installation field may be absent. Whether
 * the data is complete and makes a valid Symphonics dossier is the mapping's job (lib/dossier) at
 * publication, so an incomplete intervention is still recorded and corrected later.
 */
const text = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
const timestamp = storableTimestamp;
const storagePath = z
  .string()
  .min(1, "must not be empty")
  .max(1024, "must be at most 1024 characters")
  .refine(isSafeStoragePath, "must be a relative path inside the file storage (no `..`, no leading `/`)");

const intakeStatuses = interventionStatus.enumValues;

export const interventionInputSchema = z
  .object({
    // The field team may not have these yet: absent or null, stored as null, reported missing at publication.
    beneficiary_first_name: text(200).nullish(),
    beneficiary_last_name: text(200).nullish(),
    beneficiary_email: text(320).nullish(),
    beneficiary_phone: text(40).nullish(),
    address: text(300).nullish(),
    postal_code: text(20).nullish(),
    city: text(200).nullish(),
    pdl: text(40).nullish(),
    pce: z.string().trim().max(40, "must be at most 40 characters").refine(isStorableText, UNSTORABLE_TEXT_MESSAGE).nullish(),
    operations: z.array(z.object({ code: text(40) }).strict()).max(100, "must have at most 100 items").default([]),
    products: z.array(z.object({ name: text(300), model: text(300) }).strict()).max(200, "must have at most 200 items").default([]),
    documents: z
      .array(
        z
          .object({
            file_path: storagePath,
            type: z.enum(documentType.enumValues).nullish(),
            requires_signature: z.boolean().default(false),
            signed_at: timestamp.nullish(),
          })
          .strict(),
      )
      .max(200, "must have at most 200 items")
      .default([]),
    photos: z.array(z.object({ file_path: storagePath }).strict()).max(5000, "must have at most 5000 items").default([]),
    status: z.enum(intakeStatuses),
    contract_signed_at: timestamp.nullish(),
    // When the work was finished, with any offset; absent: the moment it reached installation_done.
    completed_at: timestamp.nullish(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Map<string, number>();
    value.documents.forEach((document, index) => {
      const first = seen.get(document.file_path);
      if (first !== undefined) {
        ctx.addIssue({ code: "custom", path: ["documents", index, "file_path"], message: `duplicates documents[${first}].file_path` });
      } else seen.set(document.file_path, index);
    });
  });

export type InterventionInput = z.infer<typeof interventionInputSchema>;

/** PATCH: a status change, the contract signature, the completion date, or document signatures, in any combination. */
export const interventionPatchSchema = z
  .object({
    status: z.enum(intakeStatuses).optional(),
    contract_signed_at: timestamp.nullish(),
    completed_at: timestamp.optional(),
    documents: z
      .array(z.object({ file_path: storagePath, signed_at: timestamp }).strict())
      .min(1, "must list at least one document")
      .max(200, "must have at most 200 items")
      .optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, {
    message: "must change at least one of status, contract_signed_at, completed_at, documents",
  });

export type InterventionPatch = z.infer<typeof interventionPatchSchema>;

/** External references follow the Symphonics `externalReference` rule, since they become one. */
export const referenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, "must be 1 to 64 characters among letters, digits and . _ : -");

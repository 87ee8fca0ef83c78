import { z } from "zod";

/**
 * The answers of the Symphonics API (§1, §3), checked before use. `z.object` ignores unknown
 * fields, as §2 requires clients to: new fields may appear at any time.
 */
const dossierStatusSchema = z.enum(["received", "processing", "accepted", "rejected"]);
const count = z.number().int().nonnegative();

export const createdDossierSchema = z.object({
  id: z.string().min(1),
  externalReference: z.string(),
  status: dossierStatusSchema,
  photoCount: count,
  createdAt: z.string(),
});

export const photosAddedSchema = z.object({
  id: z.string().min(1),
  photoCount: count,
});

export const remoteDossierSchema = z.object({
  id: z.string().min(1),
  externalReference: z.string(),
  status: dossierStatusSchema,
  rejectionReason: z.string().nullish(),
  photoCount: count,
  documentCount: count,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const dossierListSchema = z.object({ data: z.array(remoteDossierSchema) });

export const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((type) => type.toLowerCase() === "bearer", "must be Bearer"),
  expires_in: z.number().positive(),
});

/** RFC 9457 problem details, every member optional: only what is usable is used. */
export const problemSchema = z.object({
  code: z.string().optional().catch(undefined),
  title: z.string().optional().catch(undefined),
  detail: z.string().optional().catch(undefined),
  dossierId: z.string().min(1).optional().catch(undefined),
  errors: z
    .array(
      z.object({
        field: z.string().catch(""),
        code: z.string().nullish().catch(null),
        message: z.string().catch(""),
      }),
    )
    .optional()
    .catch(undefined),
});

/** An OAuth error answer (RFC 6749 §5.2). */
export const oauthErrorSchema = z.object({ error: z.string().optional().catch(undefined) });

export type CreatedDossier = z.infer<typeof createdDossierSchema>;
export type PhotosAdded = z.infer<typeof photosAddedSchema>;
export type RemoteDossier = z.infer<typeof remoteDossierSchema>;
export type ProblemBody = z.infer<typeof problemSchema>;

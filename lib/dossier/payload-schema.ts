import { z } from "zod";

/**
 * The bodies sent to Symphonics (API v1 §3.1 create a dossier, §3.2 add photos), with every rule
 * of the contract at its strictest reading. Nothing leaves the product without passing these
 * schemas, so a call is never spent on data Symphonics would refuse.
 *
 * The schemas validate and never transform: normalising is lib/dossier/normalise.ts's job, and
 * what is validated is exactly what is sent (and hashed into the idempotency key).
 */

export const MAX_PHOTOS_PER_CALL = 50;
export const MAX_PHOTOS_PER_DOSSIER = 2000;
export const MAX_URL_LENGTH = 2048;

/** 1–max characters, already trimmed. Length in UTF-16 units: never fewer than code points. */
const trimmedText = (max: number) =>
  z
    .string()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine((value) => value === value.trim() && value.trim() !== "", "must not be blank or start or end with spaces");

export const externalReferenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, "must be 1 to 64 characters among letters, digits and . _ : -");

/** RFC 3339 in UTC (`Z`), as §2 requires of every timestamp. */
export const utcTimestampSchema = z.iso.datetime({ offset: false, local: false, error: "must be an RFC 3339 UTC date-time, e.g. 2026-11-20T15:42:00Z" });

/*
 * RFC 5322 addr-spec, restricted to the forms every validator accepts: a dot-atom local part
 * (at most 64 characters, RFC 5321) and a host name of at least two labels. Quoted local parts,
 * address literals and non-ASCII are valid in theory but refused by stricter implementations.
 */
const atext = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const topLevelLabel = "(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})";
const emailPattern = new RegExp(`^(?=[^@]{1,64}@)${atext}+(?:\\.${atext}+)*@(?:${label}\\.)+${topLevelLabel}$`);

export const emailSchema = z
  .string()
  .max(254, "must be at most 254 characters")
  .regex(emailPattern, "must be a valid email address, e.g. camille.durand@example.fr");

/** E.164: `+`, a country code (never starting with 0), 8 to 15 digits in all. */
export const e164Schema = z.string().regex(/^\+[1-9][0-9]{7,14}$/, "must be E.164, e.g. +33612345678");

export const postalCodeSchema = z.string().regex(/^[0-9]{5}$/, "must be exactly 5 digits, e.g. 69003");
export const pdlSchema = z.string().regex(/^[0-9]{14}$/, "must be exactly 14 digits");
export const pceSchema = z.string().regex(/^(?:[0-9]{14}|GI[0-9]{6})$/, "must be 14 digits, or GI followed by 6 digits");
export const ceeCodeSchema = z.string().regex(/^[A-Z]{3}-[A-Z]{2}-[0-9]{3}$/, "must be a CEE operation code, e.g. BAR-TH-171");

export const documentTypes = ["contract", "quote", "invoice", "certificate", "other"] as const;

/**
 * An absolute https URL Symphonics can download: RFC 3986 characters only (no spaces, no raw
 * non-ASCII), well-formed %-escapes, a host, and no user-info (no further authentication).
 */
function isDownloadableHttpsUrl(value: string): boolean {
  if (!/^https:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/.test(value) || /%(?![0-9A-Fa-f]{2})/.test(value)) return false;
  const authority = value.slice("https://".length).split(/[/?#]/, 1)[0] ?? "";
  if (authority === "" || authority.includes("@")) return false;
  try {
    return new URL(value).hostname !== "";
  } catch {
    return false;
  }
}

export const downloadUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .refine(isDownloadableHttpsUrl, "must be an absolute https URL");

const photoSchema = z.object({ url: downloadUrlSchema }).strict();

export const dossierPayloadSchema = z
  .object({
    externalReference: externalReferenceSchema,
    completedAt: utcTimestampSchema.optional(),
    customer: z
      .object({
        firstName: trimmedText(100),
        lastName: trimmedText(100),
        email: emailSchema,
        phone: e164Schema,
      })
      .strict(),
    installation: z
      .object({
        address: trimmedText(200),
        postalCode: postalCodeSchema,
        city: trimmedText(100),
        pdl: pdlSchema,
        // Absent rather than null or "" (§3.1).
        pce: pceSchema.optional(),
      })
      .strict(),
    services: z
      .array(z.object({ code: ceeCodeSchema }).strict())
      .min(1, "must have at least 1 item")
      .max(20, "must have at most 20 items"),
    equipment: z
      .array(z.object({ name: trimmedText(200), model: trimmedText(200) }).strict())
      .min(1, "must have at least 1 item")
      .max(50, "must have at most 50 items"),
    documents: z
      .array(z.object({ type: z.enum(documentTypes).optional(), url: downloadUrlSchema }).strict())
      .min(1, "must have at least 1 item")
      .max(50, "must have at most 50 items"),
    // Omitted when there is none; the rest of a dossier's photos go through §3.2.
    photos: z
      .array(photoSchema)
      .min(1, "must have at least 1 item")
      .max(MAX_PHOTOS_PER_CALL, `must have at most ${MAX_PHOTOS_PER_CALL} items`)
      .optional(),
  })
  .strict();

export const addPhotosPayloadSchema = z
  .object({
    photos: z
      .array(photoSchema)
      .min(1, "must have at least 1 item")
      .max(MAX_PHOTOS_PER_CALL, `must have at most ${MAX_PHOTOS_PER_CALL} items`),
  })
  .strict();

export type DossierPayload = z.infer<typeof dossierPayloadSchema>;
export type AddPhotosPayload = z.infer<typeof addPhotosPayloadSchema>;
export type DocumentType = (typeof documentTypes)[number];

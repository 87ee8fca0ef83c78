import { z } from "zod";
import { AppError, ERROR_CODES, ERRORS, problemTitle } from "@/lib/errors";
import type { Locale } from "@/lib/i18n/locales";

export const fieldProblemSchema = z
  .object({
    field: z.string(),
    message: z.string(),
    symphonics: z
      .object({ field: z.string(), code: z.string().nullable() })
      .optional()
      .describe("When Symphonics refused the value: its own name of the field and its error code"),
  })
  .meta({ id: "FieldProblem" });

/** The body of every error answer. */
export const problemSchema = z
  .object({
    type: z.string().describe("A URI reference naming the problem type, e.g. /problems/validation-failed"),
    title: z.string().describe("In the language Accept-Language asks for (fr or en; English otherwise)"),
    status: z.number().int().min(400).max(599),
    code: z.enum(ERROR_CODES).describe("Stable, for programs"),
    detail: z.string().optional().describe("A sentence for people, in the language of `title`"),
    instance: z.string().optional(),
    errors: z.array(fieldProblemSchema).optional().describe("One entry per invalid field, named as the caller named it"),
  })
  .catchall(z.unknown())
  .meta({ id: "Problem", description: "RFC 9457 problem details (application/problem+json)" });

/**
 * RFC 9457 problem details of an application error: the status and headers its code stands for,
 * its title and detail in the caller's language; the code and the field names never change.
 */
export function problemResponse(error: AppError, instance?: string, locale: Locale = "en"): Response {
  const { status, ...rest } = ERRORS[error.code];
  const title = problemTitle(error.code, locale);
  const detail = error.detailIn(locale);
  const headers = "headers" in rest ? rest.headers : {};
  const { errors, extra } = error.details;
  const body: z.input<typeof problemSchema> = {
    type: `/problems/${error.code.replaceAll("_", "-")}`,
    title,
    status,
    code: error.code,
    ...(detail ? { detail } : {}),
    ...(instance ? { instance } : {}),
    ...(errors?.length ? { errors } : {}),
    ...extra,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", "content-language": locale, ...headers },
  });
}

/** A bug: the answer reveals nothing (the error is logged by the caller). */
export const internalErrorResponse = (locale: Locale = "en") => problemResponse(new AppError("internal_error", { key: "internal" }), undefined, locale);

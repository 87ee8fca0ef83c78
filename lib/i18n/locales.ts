/** The languages the product speaks; French first, the staff's working language. */
export const LOCALES = ["fr", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** The language of a staff member who chose none and whose browser asks for neither. */
export const DEFAULT_LOCALE: Locale = "fr";

export const isLocale = (value: unknown): value is Locale => typeof value === "string" && (LOCALES as readonly string[]).includes(value);

/**
 * The first of our languages an `Accept-Language` header accepts, by quality then order
 * (`fr-FR`, `en;q=0.8`, `*`); null when it accepts none of them or is absent.
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale | null {
  if (!acceptLanguage) return null;
  const ranges = acceptLanguage
    .split(",")
    .map((part, index) => {
      const [range = "", ...params] = part.trim().split(";");
      const q = params.map((param) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(param)?.[1]).find(Boolean);
      return { tag: range.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.tag && range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    if (tag === "*") return DEFAULT_LOCALE;
    const primary = tag.split("-")[0];
    if (isLocale(primary)) return primary;
  }
  return null;
}

/**
 * The language of an API answer (problem titles and details, explanations): what Accept-Language
 * asks for, else English, which programs that ask for nothing have always been given.
 */
export const answerLocale = (request: Request): Locale => negotiateLocale(request.headers.get("accept-language")) ?? "en";

/** Where times are shown when the browser has not said its own zone (the staff work in France). */
export const DEFAULT_TIME_ZONE = "Europe/Paris";

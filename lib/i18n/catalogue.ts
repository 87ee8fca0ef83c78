import { createFormatter, createTranslator } from "next-intl";
import en from "@/messages/en.json";
import fr from "@/messages/fr.json";
import { DEFAULT_TIME_ZONE, type Locale } from "./locales";

/** Every sentence of the product, per language: the pages' and the server's (explanations, problems, alerts). */
export const MESSAGES = { fr, en } satisfies Record<Locale, unknown>;
export type Messages = typeof en;

/**
 * The messages of one language for code that runs outside React (route handlers, the worker's
 * alerts): the same catalogue and ICU syntax as the pages' `useTranslations`.
 */
export function translator<N extends keyof Messages>(locale: Locale, namespace: N) {
  return createTranslator({ locale, messages: MESSAGES[locale] as Messages, namespace, timeZone: DEFAULT_TIME_ZONE });
}

/** Dates, numbers and relative times of one language, outside React, shown in `timeZone`. */
export function formatter(locale: Locale, timeZone: string = DEFAULT_TIME_ZONE) {
  return createFormatter({ locale, timeZone });
}

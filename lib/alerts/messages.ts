import { MESSAGES, translator, type Messages } from "@/lib/i18n/catalogue";
import type { Locale } from "@/lib/i18n/locales";

export type AlertMessageKey = keyof Messages["alertMessages"];

/** An alert's sentence as the catalogue's key and its arguments, so each reader gets it in their language. */
export interface AlertText {
  key: AlertMessageKey;
  values: Record<string, string | number>;
}

type Words = (key: AlertMessageKey, values: Record<string, string>) => string;
const wordsByLocale = new Map<Locale, Words>();
function wordsFor(locale: Locale): Words {
  let words = wordsByLocale.get(locale);
  if (!words) wordsByLocale.set(locale, (words = translator(locale, "alertMessages") as unknown as Words));
  return words;
}

/**
 * The columns an alert's sentence is stored in: the key and its arguments, and the English
 * sentence as `message` (for logs, and for a reader of the table). The arguments are stored as
 * strings, so a count is written as it was raised (no digit grouping) in every language.
 */
export function storedAlertText(text: AlertText) {
  const values = Object.fromEntries(Object.entries(text.values).map(([name, value]) => [name, String(value)]));
  return { message: alertSentence("en", { key: text.key, values }), messageKey: text.key, messageValues: values };
}

/** A key some other version of the product stored may no longer be in the catalogue: its stored text is shown. */
const isKey = (key: string): key is AlertMessageKey => Object.hasOwn(MESSAGES.en.alertMessages, key);

/** An alert's sentence in one language. */
export function alertSentence(locale: Locale, text: { key: AlertMessageKey; values: Record<string, string> }): string {
  return wordsFor(locale)(text.key, text.values);
}

/**
 * What a reader is shown of a stored alert: its catalogue sentence in their language, or, for an
 * alert raised before alerts carried a key (or with a plain sentence), the text it was stored with.
 */
export function alertMessage(locale: Locale, alert: { message: string; messageKey: string | null; messageValues: Record<string, string> | null }): string {
  if (!alert.messageKey || !isKey(alert.messageKey)) return alert.message;
  return alertSentence(locale, { key: alert.messageKey, values: alert.messageValues ?? {} });
}

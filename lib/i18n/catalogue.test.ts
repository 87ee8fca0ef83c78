import { describe, expect, it } from "vitest";
import { createTranslator } from "next-intl";
import { MESSAGES } from "./catalogue";
import { LOCALES, negotiateLocale } from "./locales";

/** Every message of a catalogue by its dotted key. */
function flatten(node: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [inner, text] of flatten(value, path)) out.set(inner, text);
  }
  return out;
}

/**
 * The ICU arguments a message uses ({count}, {time, date}). A plural or select branch holding a
 * single word ({alert}) reads as one too: the catalogues write such branches with more than a word.
 */
function argumentsOf(message: string): string[] {
  return [...new Set([...message.matchAll(/\{\s*([A-Za-z_]\w*)\s*(?:[,}])/g)].map((match) => match[1]!))].sort();
}

describe("the catalogues", () => {
  const catalogues = Object.fromEntries(LOCALES.map((locale) => [locale, flatten(MESSAGES[locale])]));

  it.each(LOCALES.flatMap((a) => LOCALES.filter((b) => b !== a).map((b) => [a, b])))("every key of %s is in %s", (from, to) => {
    const missing = [...catalogues[from]!.keys()].filter((key) => !catalogues[to]!.has(key));
    expect(missing, `keys of messages/${from}.json missing from messages/${to}.json`).toEqual([]);
  });

  it("the two languages of a message take the same arguments, and none is empty", () => {
    const mismatched = [...catalogues.en!].filter(([key, text]) => catalogues.fr!.has(key) && argumentsOf(text).join() !== argumentsOf(catalogues.fr!.get(key)!).join());
    expect(mismatched.map(([key]) => key)).toEqual([]);
    const empty = LOCALES.flatMap((locale) => [...catalogues[locale]!].filter(([, text]) => !text.trim()).map(([key]) => `${locale}: ${key}`));
    expect(empty).toEqual([]);
  });

  it("every message is valid ICU in its language", () => {
    const broken: string[] = [];
    for (const locale of LOCALES) {
      const t = createTranslator({ locale, messages: MESSAGES[locale], onError: (error) => broken.push(`${locale}: ${error.message}`) }) as unknown as (key: string, values: object) => string;
      // Every argument as a number fits every ICU type the catalogues use (plain, plural, date, select's "other").
      const rich = t as unknown as { rich: (key: string, values: object) => unknown };
      for (const [key, text] of catalogues[locale]!) {
        const values = Object.fromEntries(argumentsOf(text).map((name) => [name, 1]));
        const tags = [...text.matchAll(/<(\w+)>/g)].map((match) => [match[1]!, (chunks: unknown) => chunks]);
        if (tags.length) rich.rich(key, { ...values, ...Object.fromEntries(tags) });
        else t(key, values);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("the language asked for by Accept-Language", () => {
  it.each([
    ["fr-FR,fr;q=0.9,en;q=0.8", "fr"],
    ["en-GB,en;q=0.9", "en"],
    ["de-DE,en;q=0.5,fr;q=0.4", "en"],
    ["fr;q=0.2, en;q=0.9", "en"],
    ["*", "fr"],
    ["de, es", null],
    ["en;q=0", null],
    ["", null],
  ])("%j → %s", (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});

import { ceeCodeSchema, e164Schema, emailSchema, pceSchema, pdlSchema, postalCodeSchema } from "./payload-schema";

/**
 * Turns what technicians type in the field into the forms Symphonics requires. Each function
 * either returns a value that passes the payload schema's rule for that field, or refuses:
 * nothing is guessed beyond the common ways of writing the same thing.
 */
export type Normalised<T> = { ok: true; value: T } | { ok: false };

const refused: { ok: false } = { ok: false };
const accept = <T>(value: T): Normalised<T> => ({ ok: true, value });

export function normaliseText(raw: string): string {
  return raw.trim();
}

/**
 * French overseas departments share the French national format (0 + 9 digits) but have their
 * own country codes: 0692 12 34 56 is +262 692 12 34 56 (La Réunion), not +33 692 12 34 56.
 */
const overseasCountryCodes: readonly [prefix: string, countryCode: string][] = [
  ["262", "262"], // La Réunion, landlines
  ["263", "262"], // La Réunion, landlines
  ["692", "262"], // La Réunion, mobiles
  ["693", "262"], // La Réunion, mobiles
  ["269", "262"], // Mayotte, landlines
  ["639", "262"], // Mayotte, mobiles
  ["590", "590"], // Guadeloupe, Saint-Martin, Saint-Barthélemy, landlines
  ["690", "590"], // Guadeloupe, mobiles
  ["691", "590"], // Guadeloupe, mobiles
  ["594", "594"], // Guyane, landlines
  ["694", "594"], // Guyane, mobiles
  ["596", "596"], // Martinique, landlines
  ["696", "596"], // Martinique, mobiles
  ["697", "596"], // Martinique, mobiles
];

function frenchNationalToE164(nineDigits: string): string {
  const overseas = overseasCountryCodes.find(([prefix]) => nineDigits.startsWith(prefix));
  return overseas ? `+${overseas[1]}${nineDigits}` : `+33${nineDigits}`;
}

/**
 * A phone number as E.164. Accepted writings, with spaces, dots, dashes, slashes or parentheses
 * anywhere: French national `06 12 34 56 78`; French international `+33 6…`, `0033 6…`,
 * `+33 (0)6…`, `+33 06…`; `33 6 12 34 56 78` (11 digits starting with 33 cannot be a French
 * national number, so it is read as a forgotten `+`); any other number written internationally
 * with `+` or `00`.
 */
export function normalisePhone(raw: string): Normalised<string> {
  const withoutTrunkZero = raw.trim().replace(/\(\s*0\s*\)/g, "");
  if (!/^\+?[0-9\s.\-/()]+$/.test(withoutTrunkZero)) return refused;
  const compact = withoutTrunkZero.replace(/[\s.\-/()]/g, "");

  const national = /^0([1-9][0-9]{8})$/.exec(compact);
  if (national?.[1]) return accept(frenchNationalToE164(national[1]));

  // The French country code (+33, 0033, or 33 with a forgotten +): 9 digits must follow.
  const french = /^(?:\+|00)33([0-9]*)$/.exec(compact) ?? /^33([0-9]{9,10})$/.exec(compact);
  if (french) {
    const subscriber = /^0?([1-9][0-9]{8})$/.exec(french[1] ?? "");
    return subscriber?.[1] ? accept(`+33${subscriber[1]}`) : refused;
  }

  const international = /^(?:\+|00)([0-9]+)$/.exec(compact);
  if (international?.[1]) {
    const candidate = `+${international[1]}`;
    if (e164Schema.safeParse(candidate).success) return accept(candidate);
  }
  return refused;
}

/** Trimmed, with the domain lower-cased (the local part is case-sensitive in theory, so kept). */
export function normaliseEmail(raw: string): Normalised<string> {
  const trimmed = raw.trim();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0) return refused;
  const candidate = `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
  return emailSchema.safeParse(candidate).success ? accept(candidate) : refused;
}

export function normalisePostalCode(raw: string): Normalised<string> {
  const candidate = raw.trim().replace(/\s/g, "");
  return postalCodeSchema.safeParse(candidate).success ? accept(candidate) : refused;
}

const meterPointSeparators = /[\s.-]/g;

/** PDL: 14 digits, however grouped. */
export function normalisePdl(raw: string): Normalised<string> {
  const candidate = raw.replace(meterPointSeparators, "");
  return pdlSchema.safeParse(candidate).success ? accept(candidate) : refused;
}

/** PCE: 14 digits or GI + 6 digits, however grouped or cased; absent (undefined) when blank. */
export function normalisePce(raw: string | null | undefined): Normalised<string | undefined> {
  const candidate = (raw ?? "").replace(meterPointSeparators, "").toUpperCase();
  if (candidate === "") return accept(undefined);
  return pceSchema.safeParse(candidate).success ? accept(candidate) : refused;
}

/** CEE operation codes are upper case by definition; `bar-th-171` is the same code. */
export function normaliseCeeCode(raw: string): Normalised<string> {
  const candidate = raw.trim().toUpperCase();
  return ceeCodeSchema.safeParse(candidate).success ? accept(candidate) : refused;
}

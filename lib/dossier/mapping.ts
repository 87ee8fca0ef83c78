import type { z } from "zod";
import type { InterventionAggregate } from "@/lib/interventions/repository";
import type { FieldProblem } from "@/lib/errors";
import { translator, type Messages } from "@/lib/i18n/catalogue";
import type { Locale } from "@/lib/i18n/locales";
import { isSafeStoragePath } from "@/lib/storage/paths";
import {
  addPhotosPayloadSchema,
  dossierPayloadSchema,
  MAX_PHOTOS_PER_CALL,
  MAX_PHOTOS_PER_DOSSIER,
  type AddPhotosPayload,
  type DossierPayload,
} from "./payload-schema";
import {
  normaliseCeeCode,
  normaliseEmail,
  normalisePce,
  normalisePdl,
  normalisePhone,
  normalisePostalCode,
  normaliseText,
  type Normalised,
} from "./normalise";

/** What the mapping reads of an intervention aggregate (a loaded InterventionAggregate fits). */
export type DossierSource = Pick<InterventionAggregate, "reference" | "completedAt" | "address" | "postalCode" | "city" | "pdl" | "pce"> & {
  beneficiary: Pick<InterventionAggregate["beneficiary"], "firstName" | "lastName" | "email" | "phone">;
  operations: Pick<InterventionAggregate["operations"][number], "code">[];
  products: Pick<InterventionAggregate["products"][number], "name" | "model">[];
  documents: Pick<InterventionAggregate["documents"][number], "type" | "filePath">[];
  photos: Pick<InterventionAggregate["photos"][number], "filePath">[];
};

export interface MappingDeps {
  /**
   * The download link sent for a stored file. Must give the same URL for the same file across
   * retries (anchor the expiry on a fixed date): the URLs are part of the idempotency keys, and
   * Symphonics only recognises a photo it already has by its URL.
   */
  signUrl(path: string): string;
  fileExists(path: string): Promise<boolean>;
  /**
   * The language of the problems' sentences: the reader's on a page; English (the default) when
   * a publication run stores them.
   */
  locale?: Locale;
}

export type MappingResult =
  | { ok: true; payload: DossierPayload; extraPhotoBatches: AddPhotosPayload[] }
  | { ok: false; problems: FieldProblem[] };

/** Stored-file checks run in parallel, but bounded: a dossier can have 2,000 photos. */
const FILE_CHECK_CONCURRENCY = 32;

/**
 * Builds the Symphonics dossier of an intervention, or says in the workforce app's own field
 * names, in words its users understand, everything that must be corrected first.
 */
export async function mapInterventionToDossier(aggregate: DossierSource, deps: MappingDeps): Promise<MappingResult> {
  const problems = new ProblemList(deps.locale ?? "en");
  const { beneficiary } = aggregate;

  const accepted = <T>(result: Normalised<T>, field: string, fallback: T): T => {
    if (result.ok) return result.value;
    problems.add(field, explain(problems, field, fallback));
    return fallback;
  };

  // Intake records interventions before they are complete: a value not given yet is said to be
  // missing (the first problem of a field is the one shown), and stands as an empty one.
  const given = (value: string | null, field: MissingField): string => {
    if (value === null) problems.add(field, problems.words(`missing.${field}`));
    return value?.trim() ?? "";
  };
  const firstName = given(beneficiary.firstName, "beneficiary_first_name");
  const lastName = given(beneficiary.lastName, "beneficiary_last_name");
  const rawEmail = given(beneficiary.email, "beneficiary_email");
  const rawPhone = given(beneficiary.phone, "beneficiary_phone");
  const address = given(aggregate.address, "address");
  const rawPostalCode = given(aggregate.postalCode, "postal_code");
  const city = given(aggregate.city, "city");
  const rawPdl = given(aggregate.pdl, "pdl");
  const email = accepted(normaliseEmail(rawEmail), "beneficiary_email", rawEmail);
  const phone = accepted(normalisePhone(rawPhone), "beneficiary_phone", rawPhone);
  const postalCode = accepted(normalisePostalCode(rawPostalCode), "postal_code", rawPostalCode);
  const pdl = accepted(normalisePdl(rawPdl), "pdl", rawPdl);
  const pce = accepted(normalisePce(aggregate.pce), "pce", aggregate.pce?.trim());
  const services = aggregate.operations.map((operation, index) => ({
    code: accepted(normaliseCeeCode(operation.code), `operations[${index}].code`, operation.code.trim()),
  }));

  if (aggregate.photos.length > MAX_PHOTOS_PER_DOSSIER) {
    problems.add("photos", explain(problems, "photos", aggregate.photos.length));
  }
  const [documentFiles, photoFiles] = await Promise.all([
    storedFileUrls(aggregate.documents, "documents", deps, problems),
    storedFileUrls(aggregate.photos, "photos", deps, problems),
  ]);
  // Checked at once, said in the workforce app's order (documents, then photos) whichever check
  // finished first: the same data always gives the same list.
  for (const [field, message] of [...documentFiles.missing, ...photoFiles.missing]) problems.add(field, message);

  const photos = photoFiles.urls.map((url) => ({ url }));
  const firstPhotos = photos.slice(0, MAX_PHOTOS_PER_CALL);
  const payload: DossierPayload = {
    externalReference: aggregate.reference,
    ...(aggregate.completedAt ? { completedAt: utcTimestamp(aggregate.completedAt) } : {}),
    customer: {
      firstName: normaliseText(firstName),
      lastName: normaliseText(lastName),
      email,
      phone,
    },
    installation: {
      address: normaliseText(address),
      postalCode,
      city: normaliseText(city),
      pdl,
      ...(pce === undefined ? {} : { pce }),
    },
    services,
    equipment: aggregate.products.map((product) => ({ name: normaliseText(product.name), model: normaliseText(product.model) })),
    documents: aggregate.documents.map((document, index) => ({
      ...(document.type ? { type: document.type } : {}),
      url: documentFiles.urls[index] ?? "",
    })),
    ...(firstPhotos.length > 0 ? { photos: firstPhotos } : {}),
  };
  const extraPhotoBatches: AddPhotosPayload[] = [];
  for (let start = MAX_PHOTOS_PER_CALL; start < photos.length; start += MAX_PHOTOS_PER_CALL) {
    extraPhotoBatches.push({ photos: photos.slice(start, start + MAX_PHOTOS_PER_CALL) });
  }

  // The payload schema is the contract's last word: anything the checks above let through is
  // still caught here, before any call, and reported against the workforce field it came from.
  reportSchemaIssues(dossierPayloadSchema.safeParse(payload).error, 0, payload, problems);
  extraPhotoBatches.forEach((batch, index) =>
    reportSchemaIssues(addPhotosPayloadSchema.safeParse(batch).error, (index + 1) * MAX_PHOTOS_PER_CALL, batch, problems),
  );

  return problems.isEmpty() ? { ok: true, payload, extraPhotoBatches } : { ok: false, problems: problems.list() };
}

/**
 * The signed URL of each stored file, reporting unsafe and duplicated paths at once, and returning
 * the missing ones' problems as [field, message] for the caller to report in order.
 */
async function storedFileUrls(
  files: readonly { filePath: string }[],
  kind: "documents" | "photos",
  deps: MappingDeps,
  problems: ProblemList,
): Promise<{ urls: string[]; missing: [string, string][] }> {
  const firstIndexOf = new Map<string, number>();
  files.forEach(({ filePath }, index) => {
    const field = `${kind}[${index}].file_path`;
    const first = firstIndexOf.get(filePath);
    if (!isSafeStoragePath(filePath)) problems.add(field, problems.words("files.unsafePath", { path: filePath }));
    else if (first !== undefined) problems.add(field, problems.words("files.listedTwice", { path: filePath, field: `${kind}[${first}]` }));
    else firstIndexOf.set(filePath, index);
  });

  const present = await mapConcurrently(files, FILE_CHECK_CONCURRENCY, ({ filePath }) =>
    isSafeStoragePath(filePath) ? deps.fileExists(filePath) : Promise.resolve(true),
  );
  const missing = present.flatMap((exists, index): [string, string][] =>
    exists ? [] : [[`${kind}[${index}].file_path`, problems.words("files.missing", { path: files[index]?.filePath ?? "" })]],
  );
  return { urls: files.map(({ filePath }) => (isSafeStoragePath(filePath) ? deps.signUrl(filePath) : "")), missing };
}

async function mapConcurrently<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** RFC 3339 UTC without milliseconds, e.g. 2026-11-20T15:42:00Z. */
function utcTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

type Words = ReturnType<typeof translator<"fieldProblems">>;
const wordsByLocale = new Map<Locale, Words>();
/** The catalogue's `fieldProblems`, one translator per language for the process's life. */
function wordsFor(locale: Locale): Words {
  let words = wordsByLocale.get(locale);
  if (!words) wordsByLocale.set(locale, (words = translator(locale, "fieldProblems")));
  return words;
}

/** One problem per workforce field, in the order found: the first explanation is the useful one. */
class ProblemList {
  private readonly byField = new Map<string, string>();
  /** The sentences, in the mapping's language. */
  readonly words: Words;

  constructor(readonly locale: Locale) {
    this.words = wordsFor(locale);
  }

  add(field: string, message: string): void {
    if (!this.byField.has(field)) this.byField.set(field, message);
  }

  isEmpty(): boolean {
    return this.byField.size === 0;
  }

  list(): FieldProblem[] {
    return [...this.byField].map(([field, message]) => ({ field, message }));
  }
}

function reportSchemaIssues(error: z.ZodError | undefined, photoOffset: number, payload: unknown, problems: ProblemList): void {
  for (const issue of error?.issues ?? []) {
    const field = workforceField(issue.path, photoOffset);
    problems.add(field, explain(problems, field, valueAt(payload, issue.path), issue.message));
  }
}

/**
 * The one table between the two vocabularies: each payload field (Symphonics' name) and the
 * workforce app's field it is made from. Lists map item by item, e.g. services[2].code is
 * operations[2].code.
 */
const SCALAR_FIELDS: Record<string, string> = {
  "externalReference": "reference",
  "completedAt": "completed_at",
  "customer.firstName": "beneficiary_first_name",
  "customer.lastName": "beneficiary_last_name",
  "customer.email": "beneficiary_email",
  "customer.phone": "beneficiary_phone",
  "installation.address": "address",
  "installation.postalCode": "postal_code",
  "installation.city": "city",
  "installation.pdl": "pdl",
  "installation.pce": "pce",
};
const LIST_FIELDS: Record<string, { name: string; fields: Record<string, string> }> = {
  services: { name: "operations", fields: { code: "code" } },
  equipment: { name: "products", fields: { name: "name", model: "model" } },
  documents: { name: "documents", fields: { url: "file_path", type: "type" } },
  photos: { name: "photos", fields: { url: "file_path" } },
};

/**
 * The workforce app's name of a payload field, e.g. services[2].code → operations[2].code.
 * `photoOffset` is the position of a photo batch's first photo in the whole dossier.
 */
function workforceField(path: readonly PropertyKey[], photoOffset = 0): string {
  const [first, second, third] = path;
  const named = SCALAR_FIELDS[[first, second].filter((part) => part !== undefined).join(".")] ?? SCALAR_FIELDS[String(first)];
  if (named) return named;

  const list = LIST_FIELDS[String(first)];
  if (!list) return path.map(String).join(".") || "(dossier)";
  if (typeof second !== "number") return list.name;
  const index = first === "photos" ? second + photoOffset : second;
  const field = third === undefined ? undefined : (list.fields[String(third)] ?? String(third));
  return field ? `${list.name}[${index}].${field}` : `${list.name}[${index}]`;
}

/**
 * A field Symphonics names in a 422's errors[] (`customer.phone`, `photos[3].url`) in the
 * workforce app's words, through the same table as local checks. A field the table does not
 * know keeps Symphonics' name.
 */
export function workforceFieldOfSymphonics(field: string, photoOffset = 0): string {
  const path = field.match(/[^.[\]]+/g)?.map((part) => (/^\d+$/.test(part) ? Number(part) : part)) ?? [];
  return workforceField(path, photoOffset);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

const shown = (value: unknown) => (typeof value === "string" || typeof value === "number" ? ` ${value}` : "");

/** A required field the workforce app may not have given yet (intake records incomplete interventions). */
type MissingField = keyof Messages["fieldProblems"]["missing"];

/** What each workforce field (a list's items as `[]`) must be: its sentence in `fieldProblems.invalid`. */
const INVALID: Record<string, keyof Messages["fieldProblems"]["invalid"]> = {
  reference: "reference",
  completed_at: "completed_at",
  beneficiary_first_name: "beneficiary_first_name",
  beneficiary_last_name: "beneficiary_last_name",
  beneficiary_email: "beneficiary_email",
  beneficiary_phone: "beneficiary_phone",
  address: "address",
  postal_code: "postal_code",
  city: "city",
  pdl: "pdl",
  pce: "pce",
  operations: "operations",
  "operations[].code": "operationCode",
  products: "products",
  "products[].name": "productName",
  "products[].model": "productModel",
  documents: "documents",
  "documents[].type": "documentType",
  "documents[].file_path": "fileLink",
  "photos[].file_path": "fileLink",
  photos: "photos",
};

/** A message for the people who correct interventions: what is wrong and what is expected. */
function explain(problems: ProblemList, field: string, value: unknown, rule?: string): string {
  const key = INVALID[field.replace(/\[\d+\]/g, "[]")];
  if (!key) return rule ? problems.words("invalid.other", { rule }) : problems.words("invalid.otherNoRule");
  return problems.words(`invalid.${key}`, { value: shown(value), max: new Intl.NumberFormat(problems.locale).format(MAX_PHOTOS_PER_DOSSIER) });
}

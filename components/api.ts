/** Fetching the product's own APIs from the browser, with their problem+json errors kept readable. */

import { translator } from "@/lib/i18n/catalogue";
import { DEFAULT_LOCALE, isLocale, type Locale } from "@/lib/i18n/locales";

/** The page's language (lib/i18n/request.ts chose it and wrote it on <html>). */
function pageLocale(): Locale {
  const lang = typeof document === "undefined" ? null : document.documentElement.lang;
  return isLocale(lang) ? lang : DEFAULT_LOCALE;
}
const words = () => translator(pageLocale(), "common");

export interface ProblemBody {
  title?: string;
  detail?: string;
  code?: string;
  status?: number;
  errors?: { field: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody,
  ) {
    super(problemMessage(status, problem));
  }
}

export function problemMessage(status: number, problem: ProblemBody): string {
  const fields = problem.errors?.map((e) => `${e.field} ${e.message}`).join("; ");
  const text = [problem.detail ?? problem.title, fields].filter(Boolean).join(": ");
  if (status === 401) return words()("sessionEnded");
  return text || words()("serverAnswered", { status: String(status) });
}

export async function apiFetch<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(url, {
      ...rest,
      credentials: "same-origin",
      // The page's language, so problems and explanations come back in the same words.
      headers: { accept: "application/json", "accept-language": pageLocale(), ...(json !== undefined ? { "content-type": "application/json" } : {}), ...rest.headers },
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    });
  } catch {
    throw new ApiError(0, { detail: words()("unreachable") });
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { detail: text.slice(0, 200) };
  }
  if (!response.ok) {
    if (response.status === 401 && typeof window !== "undefined") {
      // A full navigation, not a client-side one: the whole page must re-render without the session.
      const login = new URL("/login", window.location.origin);
      login.searchParams.set("callbackUrl", window.location.pathname + window.location.search);
      window.location.assign(login.href);
    }
    throw new ApiError(response.status, (body ?? {}) as ProblemBody);
  }
  return body as T;
}

/** The browser's IANA time zone, sent so that days and chart buckets are the staff member's own. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

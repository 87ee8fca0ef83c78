/** Where a sign-in lands when no (acceptable) destination was asked for. */
export const DEFAULT_PAGE = "/overview";

/**
 * The path to send a visitor to after signing in, from an untrusted `callbackUrl`: the one
 * owner of that decision for the login page, its form, next-auth and the proxy. The value is
 * read the way a browser reads a Location (the WHATWG URL parser drops tabs and newlines, reads
 * backslashes as slashes and resolves dot segments), so what is checked is where the browser
 * would really go; anything off this origin, or not http(s), gives the default page.
 */
export function safeRedirectTarget(raw: string | string[] | null | undefined, origin: string): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return DEFAULT_PAGE;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return DEFAULT_PAGE;
  }
  if (url.origin !== new URL(origin).origin) return DEFAULT_PAGE;
  // "/.//evil" resolves to the path "//evil", which a browser reads as another host.
  if (url.pathname.startsWith("//")) return DEFAULT_PAGE;
  return url.pathname + url.search + url.hash;
}

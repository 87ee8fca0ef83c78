/**
 * Keeps credentials out of everything the client hands back (messages, response excerpts): the
 * attempt log is shown to operators and kept for weeks, tokens and secrets must never reach it.
 */
const EXCERPT_LIMIT = 2048;
/** Tokens issued recently enough to still be echoed somewhere; older ones have expired. */
const REMEMBERED_TOKENS = 16;

export class Redactor {
  private readonly secrets: string[] = [];
  private readonly tokens: string[] = [];

  /** A credential masked for the client's whole life (unlike tokens, which expire). */
  addSecret(secret: string): void {
    if (secret.length > 0) this.secrets.push(secret);
  }

  rememberToken(token: string): void {
    this.tokens.push(token);
    if (this.tokens.length > REMEMBERED_TOKENS) this.tokens.shift();
  }

  apply(text: string): string {
    // A NUL in an answer would make its attempt unstorable (PostgreSQL text holds none): shown as U+FFFD.
    let out = text.replaceAll("\u0000", "\uFFFD");
    for (const secret of [...this.secrets, ...this.tokens]) out = out.replaceAll(secret, "[redacted]");
    return out
      .replace(/("(?:access|refresh|id)_token"\s*:\s*")(?:[^"\\]|\\.)*"/gi, '$1[redacted]"')
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]");
  }

  /** The start of a response body for the attempt log, masked, at most ~2 KB. */
  excerpt(body: string): string | null {
    if (body.length === 0) return null;
    // Mask before cutting, so a secret split by the cut cannot leak its first half.
    const masked = this.apply(body);
    return masked.length > EXCERPT_LIMIT ? `${masked.slice(0, EXCERPT_LIMIT)}…` : masked;
  }
}

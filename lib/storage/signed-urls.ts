import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed, expiring links to stored files, sent to Symphonics, which downloads them without any
 * other authentication. The HMAC covers the path and the expiry, so neither can be altered.
 */
export interface SigningKey {
  secret: string;
  /** e.g. https://files.example.fr — the link is `${base}/files/${path}?expires=…&signature=…`. */
  publicBaseUrl: string;
}

function signature(secret: string, filePath: string, expires: number): string {
  return createHmac("sha256", secret).update(`${filePath}\n${expires}`).digest("base64url");
}

export function signFileUrl(key: SigningKey, filePath: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const encodedPath = filePath.split("/").map(encodeURIComponent).join("/");
  const base = key.publicBaseUrl.replace(/\/+$/, "");
  return `${base}/files/${encodedPath}?expires=${expires}&signature=${signature(key.secret, filePath, expires)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "expired" | "invalid" };

export function verifyFileSignature(
  secret: string,
  filePath: string,
  expiresParam: string | null,
  signatureParam: string | null,
  now: Date,
): SignatureCheck {
  if (!expiresParam || !signatureParam || !/^\d{1,12}$/.test(expiresParam)) return { ok: false, reason: "missing" };
  const expected = Buffer.from(signature(secret, filePath, Number(expiresParam)));
  const given = Buffer.from(signatureParam);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "invalid" };
  if (Number(expiresParam) * 1000 < now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true };
}

import path from "node:path";

/** A stored file path: relative, normalised, never leaving the storage root. */
export function isSafeStoragePath(relative: string): boolean {
  if (!relative || relative.includes("\0") || relative.includes("\\") || !relative.isWellFormed()) return false;
  if (relative.startsWith("/")) return false;
  const normalised = path.posix.normalize(relative);
  return normalised === relative && !normalised.startsWith("../") && normalised !== "..";
}

/** The absolute path of a stored file, or null when the relative path would escape the root. */
export function resolveStoragePath(root: string, relative: string): string | null {
  if (!isSafeStoragePath(relative)) return null;
  const absoluteRoot = path.resolve(root);
  const absolute = path.resolve(absoluteRoot, relative);
  return absolute.startsWith(absoluteRoot + path.sep) ? absolute : null;
}

import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { config } from "@/lib/config";
import { resolveStoragePath } from "./paths";
import { signFileUrl } from "./signed-urls";

/** The product's file storage, configured from the environment. */
export const fileStorage = {
  root: () => config().FILE_STORAGE_DIR,

  absolutePath: (relative: string) => resolveStoragePath(config().FILE_STORAGE_DIR, relative),

  async exists(relative: string): Promise<boolean> {
    const absolute = resolveStoragePath(config().FILE_STORAGE_DIR, relative);
    if (!absolute) return false;
    return access(absolute, constants.R_OK).then(
      () => true,
      () => false,
    );
  },

  signedUrl(relative: string, now = new Date()): string {
    const { FILE_URL_SECRET, FILES_PUBLIC_BASE_URL, FILE_URL_TTL_DAYS } = config();
    const expiresAt = new Date(now.getTime() + FILE_URL_TTL_DAYS * 86_400_000);
    return signFileUrl({ secret: FILE_URL_SECRET, publicBaseUrl: FILES_PUBLIC_BASE_URL }, relative, expiresAt);
  },
};

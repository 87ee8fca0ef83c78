import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";
import { fileStorage } from "@/lib/storage/files";
import { verifyFileSignature } from "@/lib/storage/signed-urls";

const contentTypes: Record<string, string> = {
  pdf: "application/pdf",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
};

/** Serves a stored file to whoever holds a valid signed link (Symphonics, the dashboard). */
const serveFile = route(operations.storedFile, async ({ params, query }) => {
  const relative = params.path.join("/");
  const check = verifyFileSignature(config().FILE_URL_SECRET, relative, query.expires ?? null, query.signature ?? null, new Date());
  if (!check.ok) {
    throw new AppError("forbidden", { key: check.reason === "expired" ? "linkExpired" : "linkUnsigned" });
  }
  const absolute = fileStorage.absolutePath(relative);
  if (!absolute) throw new AppError("malformed_request", "The file path leaves the file storage.");
  const info = await stat(absolute).catch(() => null);
  if (!info?.isFile()) throw new AppError("not_found", { key: "noFile", values: { path: relative } });
  const extension = relative.split(".").pop()?.toLowerCase() ?? "";
  return new Response(Readable.toWeb(createReadStream(absolute)) as ReadableStream, {
    headers: {
      "content-type": contentTypes[extension] ?? "application/octet-stream",
      "content-length": String(info.size),
      "cache-control": "private, max-age=3600",
    },
  });
});

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ GET: serveFile });

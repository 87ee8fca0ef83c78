import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { config } from "@/lib/config";
import { problems } from "@/lib/http/problem";
import { route } from "@/lib/http/route";
import { fileStorage } from "@/lib/storage/files";
import { verifyFileSignature } from "@/lib/storage/signed-urls";

type Context = { params: Promise<{ path: string[] }> };

const contentTypes: Record<string, string> = {
  pdf: "application/pdf",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
};

/** Serves a stored file to whoever holds a valid signed link (Symphonics, the dashboard). */
export const GET = route(async (request: Request, context: Context) => {
  const relative = (await context.params).path.join("/");
  const url = new URL(request.url);
  const check = verifyFileSignature(config().FILE_URL_SECRET, relative, url.searchParams.get("expires"), url.searchParams.get("signature"), new Date());
  if (!check.ok) {
    throw problems.forbidden(check.reason === "expired" ? "This file link has expired." : "This file link is not validly signed.");
  }
  const absolute = fileStorage.absolutePath(relative);
  if (!absolute) throw problems.malformed("The file path leaves the file storage.");
  const info = await stat(absolute).catch(() => null);
  if (!info?.isFile()) throw problems.notFound(`The file ${relative} is not in the file storage.`);
  const extension = relative.split(".").pop()?.toLowerCase() ?? "";
  return new Response(Readable.toWeb(createReadStream(absolute)) as ReadableStream, {
    headers: {
      "content-type": contentTypes[extension] ?? "application/octet-stream",
      "content-length": String(info.size),
      "cache-control": "private, max-age=3600",
    },
  });
});

import { readFile } from "node:fs/promises";
import path from "node:path";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

/**
 * The browser bundle of the installed @scalar/api-reference, served from here rather than from its
 * CDN. Read from node_modules at run time (it is a 5 MB prebuilt file, not code to bundle).
 */
const bundle = path.join(process.cwd(), "node_modules", "@scalar", "api-reference", "dist", "browser", "standalone.js");
let cached: Promise<Buffer> | undefined;

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  GET: route(operations.apiReferenceBundle, async () => {
    cached ??= readFile(bundle);
    return new Response(new Uint8Array(await cached), {
      headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "private, max-age=86400" },
    });
  }),
});

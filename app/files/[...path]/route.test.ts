import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { fileStorage } from "@/lib/storage/files";
import { GET } from "./route";

await useTestDatabase();

beforeAll(async () => {
  const root = await mkdtemp(path.join(tmpdir(), "files-"));
  process.env.FILE_STORAGE_DIR = root;
  process.env.FILES_PUBLIC_BASE_URL = "https://files.example.fr";
  await mkdir(path.join(root, "documents"));
  await writeFile(path.join(root, "documents", "contrat.pdf"), "%PDF-1.4 test");
});

async function fetchFile(url: string) {
  const parsed = new URL(url);
  const segments = parsed.pathname.replace(/^\/files\//, "").split("/").map(decodeURIComponent);
  const response = await GET(new Request(url), { params: Promise.resolve({ path: segments }) });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}

describe("GET /files/{path}", () => {
  it("serves a stored file through a valid signed link", async () => {
    const response = await fetchFile(fileStorage.signedUrl("documents/contrat.pdf"));
    expect(response).toEqual({ status: 200, type: "application/pdf", body: "%PDF-1.4 test" });
  });

  it("gives links valid for at least 7 days", () => {
    const expires = Number(new URL(fileStorage.signedUrl("documents/contrat.pdf")).searchParams.get("expires"));
    expect(expires * 1000 - Date.now()).toBeGreaterThanOrEqual(7 * 86_400_000);
  });

  it("answers 403 to a tampered or expired link", async () => {
    const url = new URL(fileStorage.signedUrl("documents/contrat.pdf"));
    url.searchParams.set("signature", "forged");
    expect((await fetchFile(url.toString())).status).toBe(403);
    const expired = fileStorage.signedUrl("documents/contrat.pdf", new Date(Date.now() - 30 * 86_400_000));
    const response = await fetchFile(expired);
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body).detail).toMatch(/expired/);
  });

  it("answers 404 when the file is missing from the storage", async () => {
    expect((await fetchFile(fileStorage.signedUrl("documents/absent.pdf"))).status).toBe(404);
    expect(await fileStorage.exists("documents/absent.pdf")).toBe(false);
    expect(await fileStorage.exists("documents/contrat.pdf")).toBe(true);
  });

  it("refuses a path that escapes the storage root, even validly signed", async () => {
    const url = fileStorage.signedUrl("../outside.txt");
    const response = await GET(new Request(url), { params: Promise.resolve({ path: ["..", "outside.txt"] }) });
    expect(response.status).toBe(400);
    expect(await fileStorage.exists("../outside.txt")).toBe(false);
  });
});

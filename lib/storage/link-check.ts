/**
 * Fetches stored files through their signed links, as Symphonics does, and says in words which
 * fail: what an operator checks before settling a dossier Symphonics rejected as unreachable.
 */
export interface LinkToCheck {
  path: string;
  url: string;
}

export interface LinkCheck {
  path: string;
  ok: boolean;
  /** The HTTP status answered, or null when nothing answered. */
  httpStatus: number | null;
  /** What is wrong, for a person; null when the file downloads. */
  problem: string | null;
}

export interface LinkCheckOptions {
  fetch?: typeof globalThis.fetch;
  /** Symphonics gives up on a download after 10 s. */
  timeoutMs?: number;
  concurrency?: number;
}

function problemOf(status: number): string {
  if (status === 404) return "The file is missing from storage.";
  if (status === 403) return "The link is refused: it has expired or its signature is no longer valid.";
  return `The link answered HTTP ${status} instead of the file.`;
}

async function checkOne(link: LinkToCheck, fetchImpl: typeof globalThis.fetch, timeoutMs: number): Promise<LinkCheck> {
  try {
    const response = await fetchImpl(link.url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    // Only the answer matters, not the bytes of a large photo.
    await response.body?.cancel().catch(() => {});
    return response.ok ? { path: link.path, ok: true, httpStatus: response.status, problem: null } : { path: link.path, ok: false, httpStatus: response.status, problem: problemOf(response.status) };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      path: link.path,
      ok: false,
      httpStatus: null,
      problem: timedOut ? `The link did not answer within ${timeoutMs / 1000} s (Symphonics gives up after 10 s).` : "The link could not be reached (connection refused or name unknown).",
    };
  }
}

/** Checks every link, a few at a time, in the order given. */
export async function checkLinks(links: readonly LinkToCheck[], options: LinkCheckOptions = {}): Promise<LinkCheck[]> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const results: LinkCheck[] = new Array(links.length);
  let next = 0;
  const worker = async () => {
    while (next < links.length) {
      const index = next++;
      results[index] = await checkOne(links[index]!, fetchImpl, timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, links.length) }, worker));
  return results;
}

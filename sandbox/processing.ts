// What Symphonics does after accepting a dossier (§3.1): download every document and photo, then
// accept the dossier or reject it with document_unreachable / photo_unreachable.
import { setTimeout as sleep } from "node:timers/promises";
import type { Dossier } from "./dossiers";
import { setStatus } from "./dossiers";

const DOWNLOAD_TIMEOUT_MS = 10_000;
// Downloads hit the product's own file server; a bound keeps a 2,000-dossier burst from opening
// thousands of sockets at once.
const MAX_CONCURRENT_DOWNLOADS = 32;

export interface ProcessorOptions {
  delayMs: number;
  fetchHttpsAsHttp: boolean;
  onStatusChange: (dossier: Dossier) => void;
}

export class Processor {
  private abort = new AbortController();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: ProcessorOptions) {}

  /** Runs in the background: received → processing → accepted | rejected. */
  start(dossier: Dossier): void {
    const signal = this.abort.signal;
    this.options.onStatusChange(dossier);
    this.run(dossier, signal).catch(() => {
      // Aborted by reset() or close(): the dossier is forgotten.
    });
  }

  /** Stops every dossier in flight. */
  reset(): void {
    this.abort.abort();
    this.abort = new AbortController();
  }

  private async run(dossier: Dossier, signal: AbortSignal): Promise<void> {
    await sleep(this.options.delayMs, undefined, { signal });
    this.transition(dossier, "processing", null, signal);
    const documentsOk = await this.allDownloadable(dossier.documentUrls, signal);
    // Photos added (§3.2) until the final status are checked too; later ones are not.
    let photosOk = true;
    let checked = 0;
    const checkNewPhotos = async () => {
      while (documentsOk && photosOk && checked < dossier.photoUrls.length) {
        const batch = dossier.photoUrls.slice(checked);
        checked = dossier.photoUrls.length;
        photosOk = await this.allDownloadable(batch, signal);
      }
    };
    await checkNewPhotos();
    await sleep(this.options.delayMs, undefined, { signal });
    await checkNewPhotos();
    if (!documentsOk) this.transition(dossier, "rejected", "document_unreachable", signal);
    else if (!photosOk) this.transition(dossier, "rejected", "photo_unreachable", signal);
    else this.transition(dossier, "accepted", null, signal);
  }

  private transition(dossier: Dossier, status: Dossier["status"], reason: Dossier["rejectionReason"], signal: AbortSignal) {
    signal.throwIfAborted();
    setStatus(dossier, status, reason);
    this.options.onStatusChange(dossier);
  }

  private async allDownloadable(urls: readonly string[], signal: AbortSignal): Promise<boolean> {
    const results = await Promise.all(urls.map((url) => this.withSlot(() => this.download(url, signal))));
    return results.every(Boolean);
  }

  private async download(url: string, signal: AbortSignal): Promise<boolean> {
    // Local-only affordance: the product serves its files over plain http on this machine.
    const target = this.options.fetchHttpsAsHttp && url.startsWith("https://") ? `http://${url.slice("https://".length)}` : url;
    try {
      const response = await fetch(target, { signal: AbortSignal.any([signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)]) });
      await response.arrayBuffer();
      return response.ok;
    } catch (error) {
      if (signal.aborted) throw error;
      return false;
    }
  }

  private async withSlot<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so `active` never overshoots.
    if (this.active < MAX_CONCURRENT_DOWNLOADS) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

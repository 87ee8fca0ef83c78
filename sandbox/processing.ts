// What Symphonics does after accepting a dossier (§3.1): download every document and photo, then
// accept the dossier or reject it with document_unreachable / photo_unreachable.
import { Agent, interceptors, request, type Dispatcher } from "undici";
import type { Dossier } from "./dossiers";
import { setStatus } from "./dossiers";
import { Timers } from "./timers";

const DOWNLOAD_TIMEOUT_MS = 10_000;
// Downloads share the process with the API: a small bound keeps a 2,000-dossier burst from
// starving API requests (or opening thousands of sockets to the product's file server).
const MAX_CONCURRENT_DOWNLOADS = 8;

export interface ProcessorOptions {
  delayMs: number;
  fetchHttpsAsHttp: boolean;
  onStatusChange: (dossier: Dossier) => void;
}

export class Processor {
  private readonly timers = new Timers();
  // Bumped by reset(): a run that sees another epoch after an await stops there.
  private epoch = 0;
  // undici's request() over a pooled agent: several times cheaper than fetch() on this hot path.
  private readonly agent = new Agent({ headersTimeout: DOWNLOAD_TIMEOUT_MS, bodyTimeout: DOWNLOAD_TIMEOUT_MS });
  // Signed URLs often redirect to the storage that serves them.
  private readonly client: Dispatcher = this.agent.compose(interceptors.redirect({ maxRedirections: 5 }));
  private active = 0;
  private readonly waiting = new Queue<() => void>();

  constructor(private readonly options: ProcessorOptions) {}

  /** Runs in the background: received → processing → accepted | rejected. */
  start(dossier: Dossier): void {
    this.options.onStatusChange(dossier);
    void this.run(dossier, this.epoch);
  }

  /** Forgets every dossier in flight. */
  reset(): void {
    this.epoch++;
    this.timers.cancelAll();
  }

  async close(): Promise<void> {
    this.reset();
    await this.agent.destroy();
  }

  private async run(dossier: Dossier, epoch: number): Promise<void> {
    const current = () => epoch === this.epoch;
    await this.timers.delay(this.options.delayMs);
    if (!current()) return;
    this.transition(dossier, "processing");
    const documentsOk = await this.allDownloadable(dossier.documentUrls, current);
    // Photos added (§3.2) until the final status are checked too; later ones are not.
    let photosOk = true;
    let checked = 0;
    const checkNewPhotos = async () => {
      while (documentsOk && photosOk && checked < dossier.photoUrls.length && current()) {
        const batch = dossier.photoUrls.slice(checked);
        checked = dossier.photoUrls.length;
        photosOk = await this.allDownloadable(batch, current);
      }
    };
    await checkNewPhotos();
    if (!current()) return;
    await this.timers.delay(this.options.delayMs);
    await checkNewPhotos();
    if (!current()) return;
    if (!documentsOk) this.transition(dossier, "rejected", "document_unreachable");
    else if (!photosOk) this.transition(dossier, "rejected", "photo_unreachable");
    else this.transition(dossier, "accepted");
  }

  private transition(dossier: Dossier, status: Dossier["status"], reason: Dossier["rejectionReason"] = null): void {
    setStatus(dossier, status, reason);
    this.options.onStatusChange(dossier);
  }

  private async allDownloadable(urls: readonly string[], current: () => boolean): Promise<boolean> {
    // Downloads still queued when the sandbox is reset are skipped.
    const results = await Promise.all(urls.map((url) => this.withSlot(async () => current() && (await this.download(url)))));
    return results.every(Boolean);
  }

  /** GET the whole body: a non-2xx answer, a network error or a timeout make the URL unreachable. */
  private async download(url: string): Promise<boolean> {
    // Local-only affordance: the product serves its files over plain http on this machine.
    const target = this.options.fetchHttpsAsHttp && url.startsWith("https://") ? `http://${url.slice("https://".length)}` : url;
    try {
      const response = await request(target, { dispatcher: this.client });
      await response.body.dump({ limit: Number.POSITIVE_INFINITY });
      return response.statusCode >= 200 && response.statusCode < 300;
    } catch {
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

/** FIFO with O(1) take: a burst can queue tens of thousands of downloads. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

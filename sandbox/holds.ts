// §2: a 429 or 503 answer means "yes, not before Retry-After". The sandbox remembers every
// Retry-After it announced on /v1, per client (the limit and a maintenance are for the client as a
// whole, not one connection), and records each request of that client that arrives before it ends,
// so that tests can assert that a client honours it with every process it runs.
import { BoundedList } from "./bounded-list";

export interface EarlyRequest {
  at: string;
  method: string;
  path: string;
  clientId: string;
  /** When the hold this request broke was announced, and when it ended. */
  announcedAt: string;
  holdUntil: string;
  /** How long after the announcement it arrived. */
  msAfterAnnouncement: number;
}

export interface HoldStats {
  /** Retry-After headers announced on /v1 answers. */
  holdsAnnounced: number;
  /** Requests that arrived during a hold, later than the grace after its announcement. */
  requestsDuringHolds: number;
  /**
   * Requests that arrived within the grace after an announcement: on their way before the client
   * could have read it (another connection, another process), so not counted as early.
   */
  inFlightAtAnnouncement: number;
}

export class RetryAfterHolds {
  private readonly holds = new Map<string, { announcedAt: number; until: number }>();
  private readonly early = new BoundedList<EarlyRequest>(10_000);
  private stats: HoldStats = { holdsAnnounced: 0, requestsDuringHolds: 0, inFlightAtAnnouncement: 0 };

  constructor(private readonly graceMs: number) {}

  /** A request of `clientId` that arrived at `at` (epoch ms), checked against the hold in force then. */
  arrived(clientId: string, method: string, path: string, at: number): void {
    const hold = this.holds.get(clientId);
    if (!hold || at < hold.announcedAt || at >= hold.until) return;
    if (at <= hold.announcedAt + this.graceMs) {
      this.stats.inFlightAtAnnouncement += 1;
      return;
    }
    this.stats.requestsDuringHolds += 1;
    this.early.push({
      at: new Date(at).toISOString(),
      method,
      path,
      clientId,
      announcedAt: new Date(hold.announcedAt).toISOString(),
      holdUntil: new Date(hold.until).toISOString(),
      msAfterAnnouncement: at - hold.announcedAt,
    });
  }

  /** An answer carrying `Retry-After: seconds` left for `clientId` at `at`. */
  announce(clientId: string, seconds: number, at: number): void {
    this.stats.holdsAnnounced += 1;
    const until = at + seconds * 1000;
    const current = this.holds.get(clientId);
    // A hold still running is extended: the client has known of it since its first announcement.
    if (current && current.until > at) current.until = Math.max(current.until, until);
    else this.holds.set(clientId, { announcedAt: at, until });
  }

  list(): EarlyRequest[] {
    return this.early.toArray();
  }

  counts(): HoldStats {
    return { ...this.stats };
  }

  clear(): void {
    this.holds.clear();
    this.early.clear();
    this.stats = { holdsAnnounced: 0, requestsDuringHolds: 0, inFlightAtAnnouncement: 0 };
  }
}

/**
 * Cancellable delays for background work (processing steps, webhook retries). Cancelling drops
 * the pending timers, so the waiting chains never resume and are garbage collected. One shared
 * AbortSignal would do the same, but every waiter would add a listener to it, and Node's
 * EventTarget makes each addition cost O(listeners): quadratic over a 2,000-dossier burst.
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.add(timer);
    });
  }

  cancelAll(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

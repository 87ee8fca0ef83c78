// Status webhooks (§4), signed per Standard Webhooks. Delivery runs in the background and never
// holds up an API response; failures are retried with a short, bounded backoff so that tests end
// (the real service retries for 24 hours).
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Webhook } from "standardwebhooks";
import { BoundedList } from "./bounded-list";
import type { Dossier } from "./dossiers";
import type { FaultSettings } from "./faults";

const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];
const DELIVERY_TIMEOUT_MS = 10_000;

export interface WebhookRecord {
  webhookId: string;
  type: string;
  dossierId: string;
  delivered: boolean;
  attempts: number;
}

interface Message {
  record: WebhookRecord;
  body: string;
}

export interface WebhookDispatcherOptions {
  url: string;
  secret: string;
  faults: () => FaultSettings;
  random: () => number;
}

export class WebhookDispatcher {
  private readonly signer: Webhook;
  private readonly records = new BoundedList<WebhookRecord>(50_000);
  // `processing` events held back until the dossier's final event went out (webhookReorder).
  private readonly held = new Map<string, Message>();
  private abort = new AbortController();

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.signer = new Webhook(options.secret);
  }

  statusChanged(dossier: Dossier): void {
    const message = this.message(dossier);
    const final = dossier.status === "accepted" || dossier.status === "rejected";
    if (dossier.status === "processing" && this.options.faults().webhookReorder) {
      this.held.set(dossier.id, message);
      return;
    }
    const held = final ? this.held.get(dossier.id) : undefined;
    if (held) {
      this.held.delete(dossier.id);
      void this.deliver(message).then(() => this.deliver(held));
    } else {
      void this.deliver(message);
    }
  }

  list(): WebhookRecord[] {
    return this.records.toArray().map((r) => ({ ...r }));
  }

  /** Forget every message and stop pending deliveries and retries. */
  reset(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.held.clear();
    this.records.clear();
  }

  private message(dossier: Dossier): Message {
    const record: WebhookRecord = {
      webhookId: `msg_${randomBytes(12).toString("hex")}`,
      type: `dossier.${dossier.status}`,
      dossierId: dossier.id,
      delivered: false,
      attempts: 0,
    };
    this.records.push(record);
    const body = JSON.stringify({
      type: record.type,
      timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      data: {
        dossierId: dossier.id,
        externalReference: dossier.externalReference,
        status: dossier.status,
        reason: dossier.rejectionReason,
      },
    });
    return { record, body };
  }

  /** At least once; sometimes twice on purpose (webhookDuplicateRate), with the same webhook-id. */
  private async deliver(message: Message): Promise<void> {
    const copies = this.options.random() < this.options.faults().webhookDuplicateRate ? 2 : 1;
    const signal = this.abort.signal;
    try {
      for (let copy = 0; copy < copies; copy++) await this.deliverWithRetries(message, signal);
    } catch {
      // Aborted by reset() or close(): the message is forgotten.
    }
  }

  private async deliverWithRetries(message: Message, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      message.record.attempts++;
      if (await this.post(message, signal)) {
        message.record.delivered = true;
        return;
      }
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) return;
      await sleep(delay, undefined, { signal });
    }
  }

  private async post(message: Message, signal: AbortSignal): Promise<boolean> {
    const timestamp = new Date();
    const id = message.record.webhookId;
    try {
      const response = await fetch(this.options.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
          "webhook-signature": this.signer.sign(id, timestamp, message.body),
        },
        body: message.body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch (error) {
      if (signal.aborted) throw error;
      return false;
    }
  }
}

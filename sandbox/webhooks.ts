// Status webhooks (§4), signed per Standard Webhooks. Delivery runs in the background and never
// holds up an API response; failures are retried with a short, bounded backoff so that tests end
// (the real service retries for 24 hours).
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { Agent, request } from "undici";
import { BoundedList } from "./bounded-list";
import type { Dossier } from "./dossiers";
import type { FaultSettings } from "./faults";
import { Timers } from "./timers";

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
  private readonly timers = new Timers();
  // Bumped by reset(): deliveries of an earlier epoch stop retrying.
  private epoch = 0;
  private readonly agent = new Agent({ headersTimeout: DELIVERY_TIMEOUT_MS, bodyTimeout: DELIVERY_TIMEOUT_MS });

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

  /** Forget every message and stop pending retries. */
  reset(): void {
    this.epoch++;
    this.timers.cancelAll();
    this.held.clear();
    this.records.clear();
  }

  async close(): Promise<void> {
    this.reset();
    await this.agent.destroy();
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
    const epoch = this.epoch;
    for (let copy = 0; copy < copies && epoch === this.epoch; copy++) await this.deliverWithRetries(message, epoch);
  }

  private async deliverWithRetries(message: Message, epoch: number): Promise<void> {
    for (let attempt = 0; epoch === this.epoch; attempt++) {
      message.record.attempts++;
      if (await this.post(message)) {
        message.record.delivered = true;
        return;
      }
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) return;
      await this.timers.delay(delay);
    }
  }

  /** Any 2xx within the timeout acknowledges (§4). */
  private async post(message: Message): Promise<boolean> {
    const timestamp = new Date();
    const id = message.record.webhookId;
    try {
      const response = await request(this.options.url, {
        method: "POST",
        dispatcher: this.agent,
        headers: {
          "Content-Type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
          "webhook-signature": this.signer.sign(id, timestamp, message.body),
        },
        body: message.body,
      });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300;
    } catch {
      return false;
    }
  }
}

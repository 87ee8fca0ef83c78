import nodemailer from "nodemailer";
import type { AlertNotice } from "./notice";

/** Somewhere alerts are delivered. `send` throws when the notice was not accepted. */
export interface AlertChannel {
  name: "email" | "webhook";
  send(notice: AlertNotice): Promise<void>;
}

export interface ChannelSettings {
  SMTP_URL?: string;
  ALERT_EMAIL_TO?: string;
  ALERT_EMAIL_FROM: string;
  ALERT_WEBHOOK_URL?: string;
}

const TIMEOUT_MS = 10_000;

export function emailChannel(smtpUrl: string, from: string, to: string[]): AlertChannel {
  const transport = nodemailer.createTransport(smtpUrl, { connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS });
  return {
    name: "email",
    async send(notice) {
      await transport.sendMail({ from, to, subject: notice.subject, text: notice.text });
    },
  };
}

/**
 * A generic incoming webhook (Slack, Mattermost, Teams workflows, Rocket.Chat…): they all show
 * `text`; the structured `alerts` are there for tools that read them.
 */
export function webhookChannel(url: string): AlertChannel {
  return {
    name: "webhook",
    async send(notice) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: `${notice.subject}\n\n${notice.text}`, alerts: notice.items }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the alert webhook answered ${response.status}`);
    },
  };
}

/** The channels the configuration enables: each only when configured. */
export function configuredChannels(settings: ChannelSettings): AlertChannel[] {
  const channels: AlertChannel[] = [];
  if (settings.SMTP_URL && settings.ALERT_EMAIL_TO) {
    channels.push(emailChannel(settings.SMTP_URL, settings.ALERT_EMAIL_FROM, settings.ALERT_EMAIL_TO.split(",").map((address) => address.trim())));
  }
  if (settings.ALERT_WEBHOOK_URL) channels.push(webhookChannel(settings.ALERT_WEBHOOK_URL));
  return channels;
}

/**
 * Sends one message on one channel with retries, and says how it went. Shared by the notifier
 * (run notifications) and `batchlight test-notify`.
 */
import type { WebhookSettings } from '../config/settings-schema.ts';
import { deliver, type DeliveryOptions, type DeliveryResult } from './delivery.ts';
import { sendEmail } from './email-sender.ts';
import type { NotificationMessage } from './message.ts';
import type { NotifySettings } from './notify-settings.ts';
import { renderHtml, renderText, webhookPayload } from './render.ts';
import { postWebhook } from './webhook-sender.ts';

/** Where a message goes. */
export type Destination = { channel: 'email'; to: string[]; cc: string[] } | { channel: 'webhook'; name: string };

/**
 * Sends `message` to `destination` using `settings`; never throws. A missing SMTP server or an
 * unknown webhook is a failure with no attempt. `redact` is applied to the reason.
 */
export async function sendMessage(
  message: NotificationMessage,
  destination: Destination,
  settings: Pick<NotifySettings, 'smtp' | 'webhooks'>,
  options: DeliveryOptions,
  stop: AbortSignal,
  redact: (text: string) => string,
): Promise<DeliveryResult> {
  let result: DeliveryResult;
  if (destination.channel === 'email') {
    const smtp = settings.smtp;
    if (!smtp) return { ok: false, attempts: 0, error: 'No SMTP server is configured (settings.smtp); set one with `batchlight config set smtp.host …` or import a settings section' };
    const mail = { to: destination.to, cc: destination.cc, subject: message.subject, text: renderText(message), html: renderHtml(message) };
    result = await deliver((signal) => sendEmail(smtp, mail, options.timeoutMs, signal), options, stop, `SMTP ${smtp.host}:${smtp.port}`);
  } else {
    const webhook = settings.webhooks.find((w: WebhookSettings) => w.name === destination.name);
    if (!webhook) return { ok: false, attempts: 0, error: `No webhook named '${destination.name}' in settings.webhooks` };
    const payload = webhookPayload(webhook.format, message);
    result = await deliver((signal) => postWebhook(webhook, payload, signal), options, stop, `Webhook ${webhook.name}`);
  }
  return { ...result, error: result.error === null ? null : redact(result.error) };
}

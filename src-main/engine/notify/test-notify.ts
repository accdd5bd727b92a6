/**
 * `batchlight test-notify`: sends a test message through the configured SMTP server and webhooks
 * so an operator can check the settings before a job fails. Nothing is stored.
 */
import type { Store } from '../store/store.ts';
import { DEFAULT_DELIVERY, type DeliveryOptions } from './delivery.ts';
import { testMessage } from './message.ts';
import { readNotifySettings } from './notify-settings.ts';
import { sendMessage, type Destination } from './send.ts';

/** What happened to one test message. */
export interface TestNotifyResult {
  channel: 'email' | 'webhook';
  target: string;
  ok: boolean;
  attempts: number;
  error: string | null;
}

export interface TestNotifyOptions {
  /** Send the email here; without `email` or `webhook`, email goes to `notify.defaultTo`. */
  email?: string;
  /** Post to this webhook only; without `email` or `webhook`, every webhook gets one. */
  webhook?: string;
  host: string;
  now: number;
  delivery?: Partial<DeliveryOptions>;
}

/** Sends the test messages the options ask for, one after another, and reports each. */
export async function sendTestNotifications(store: Store, options: TestNotifyOptions): Promise<TestNotifyResult[]> {
  const settings = readNotifySettings(store);
  const everything = options.email === undefined && options.webhook === undefined;
  const destinations: Array<{ target: string; destination: Destination }> = [];
  const emailTo = options.email !== undefined ? [options.email] : everything ? settings.defaultTo : [];
  if (options.email !== undefined || everything) {
    destinations.push({ target: emailTo.join(', '), destination: { channel: 'email', to: emailTo, cc: [] } });
  }
  const webhooks = options.webhook !== undefined ? [options.webhook] : everything ? settings.webhooks.map((w) => w.name) : [];
  for (const name of webhooks) destinations.push({ target: name, destination: { channel: 'webhook', name } });

  const message = testMessage(options.host, options.now);
  const delivery = { ...DEFAULT_DELIVERY, ...options.delivery };
  const results: TestNotifyResult[] = [];
  for (const { target, destination } of destinations) {
    const result =
      destination.channel === 'email' && destination.to.length === 0
        ? { ok: false, attempts: 0, error: 'No recipient: give --email ADDRESS or set notify.defaultTo' }
        : await sendMessage(message, destination, settings, delivery, new AbortController().signal, (t) => store.redactor.redact(t));
    results.push({ channel: destination.channel, target, ...result });
  }
  return results;
}

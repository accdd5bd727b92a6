/**
 * One POST to a named webhook. Errors name the webhook, never its URL: a Slack or Teams webhook
 * URL is itself the credential.
 */
import type { WebhookSettings } from '../config/settings-schema.ts';
import { toError } from '../errors.ts';
import { PermanentDeliveryError } from './delivery.ts';

/** Posts `payload` as JSON; rejects for a network error or a non-2xx reply (4xx but 408/429: permanent). */
export async function postWebhook(webhook: WebhookSettings, payload: unknown, signal: AbortSignal): Promise<void> {
  let response: Response;
  try {
    response = await fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Batchlight', ...webhook.headers },
      body: JSON.stringify(payload),
      signal,
    });
  } catch (caught) {
    if (signal.aborted) throw signal.reason;
    const error = toError(caught);
    const cause = error.cause instanceof Error ? `: ${(error.cause as Error & { code?: string }).code ?? error.cause.message}` : '';
    throw new Error(`Webhook ${webhook.name}: ${error.message}${cause}`, { cause: error });
  }
  const body = await response.text().catch(() => '');
  if (response.ok) return;
  const reason = `Webhook ${webhook.name}: HTTP ${response.status} ${response.statusText}${body ? `: ${body.slice(0, 200)}` : ''}`;
  const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
  throw permanent ? new PermanentDeliveryError(reason) : new Error(reason);
}

/**
 * The notification settings as the senders need them: SMTP and webhooks with their secrets
 * decrypted (and taught to the redactor, so no message or log can echo them), the default
 * recipients, and the flood-control window. Read fresh for every notification, so a
 * `batchlight config set` takes effect without a restart.
 */
import { mapSettingsSecrets } from '../config/secret-fields.ts';
import type { SmtpSettings, WebhookSettings } from '../config/settings-schema.ts';
import { isEncrypted } from '../store/secrets.ts';
import type { Store } from '../store/store.ts';

/** The default flood-control window: at most one message per schedule and event in it. */
export const DEFAULT_FLOOD_MINUTES = 10;

/**
 * The setting key for the flood-control window, in minutes (0 turns flood control off). Not in
 * the schedule file's settings schema yet; stored settings are read as they are.
 */
export const FLOOD_MINUTES_KEY = 'notifyFloodMinutes';

export interface NotifySettings {
  smtp: SmtpSettings | undefined;
  webhooks: WebhookSettings[];
  defaultTo: string[];
  floodMinutes: number;
}

/** Reads the notification settings from the store, secrets in plain text. */
export function readNotifySettings(store: Store): NotifySettings {
  const open = (value: string) => {
    if (!isEncrypted(value)) return value;
    const plain = store.box.decrypt(value);
    store.redactor.add(plain);
    return plain;
  };
  const opened = mapSettingsSecrets(
    {
      smtp: store.settings.get<SmtpSettings>('smtp'),
      webhooks: store.settings.get<WebhookSettings[]>('webhooks'),
    },
    open,
  );
  const flood = store.settings.get<unknown>(FLOOD_MINUTES_KEY);
  return {
    smtp: opened.smtp,
    webhooks: opened.webhooks ?? [],
    defaultTo: store.settings.get<{ defaultTo?: string[] }>('notify')?.defaultTo ?? [],
    floodMinutes: typeof flood === 'number' && Number.isFinite(flood) && flood >= 0 ? flood : DEFAULT_FLOOD_MINUTES,
  };
}

/**
 * The `connections` and `settings` sections of the schedule file. Settings are a patch: a key
 * left out keeps the store's value (or DEFAULT_SETTINGS), so every key is optional.
 */
import { z } from 'zod';
import type { EngineSettings } from '../types.ts';
import { email, entityName, expecting, headerMap, httpUrl, intIn, list, nonEmptyString, oneOf, strictObject } from './fields.ts';

/** How mail is sent for email notifications. */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: 'none' | 'starttls' | 'tls';
  user?: string;
  password?: string;
  from: string;
}

/** A named webhook that schedules' `notify.webhook.target` refers to. */
export interface WebhookSettings {
  name: string;
  url: string;
  format: 'json' | 'slack' | 'teams';
  headers?: Record<string, string>;
}

/** The settings section: engine settings plus mail, webhooks and default recipients. */
export interface SettingsPatch extends Partial<EngineSettings> {
  smtp?: SmtpSettings;
  webhooks?: WebhookSettings[];
  notify?: { defaultTo?: string[] };
  /** At most one message per schedule, event and channel in this many minutes (default 10). */
  notifyFloodMinutes?: number;
}

/** A named database connection that SQL jobs and parameter queries refer to. */
export const connectionSchema = strictObject(
  {
    name: entityName(),
    type: oneOf(['sqlserver', 'postgres']).default('sqlserver'),
    connectionString: nonEmptyString('a non-empty connection string', 8000),
  },
  'a connection object',
);

/** The port each `secure` mode uses unless `port` says otherwise. */
export const DEFAULT_SMTP_PORTS: Readonly<Record<SmtpSettings['secure'], number>> = { none: 25, starttls: 587, tls: 465 };

const smtp = strictObject(
  {
    host: nonEmptyString('a host name', 255),
    port: intIn(1, 65_535).optional(),
    secure: oneOf(['none', 'starttls', 'tls']).default('starttls'),
    user: nonEmptyString('a non-empty user name', 255).optional(),
    password: z.string(expecting('a string')).optional(),
    from: email(),
  },
  'an smtp object with `host` and `from`',
).transform((value) => ({ ...value, port: value.port ?? DEFAULT_SMTP_PORTS[value.secure] }));

const webhook = strictObject(
  {
    name: entityName(),
    // A Slack or Teams webhook URL is itself the credential: stored encrypted, exported as <secret>.
    url: httpUrl(false, true),
    format: oneOf(['json', 'slack', 'teams']).default('json'),
    headers: headerMap().optional(),
  },
  'a webhook object with `name` and `url`',
);

/** The settings section of the file. */
export const settingsSchema = strictObject(
  {
    smtp: smtp.optional(),
    webhooks: list(webhook, 'an array of webhooks').optional(),
    notify: strictObject({ defaultTo: list(email(), 'an array of email addresses').optional() }, 'a notify object').optional(),
    concurrency: intIn(1, 1000).optional(),
    heartbeatSeconds: intIn(1, 3600).optional(),
    graceSeconds: intIn(0, 3600).optional(),
    retentionDays: intIn(1, 36_500).optional(),
    outputCapBytes: intIn(1024, 1024 * 1024 * 1024).optional(),
    allowedExecutables: list(nonEmptyString('a non-empty path', 32_767), 'an array of executable paths').optional(),
    notifyFloodMinutes: intIn(0, 1440).optional(),
  },
  'a settings object',
);

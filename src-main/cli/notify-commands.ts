/**
 * CLI commands about notifications and settings: `config get [KEY]`, `config set KEY VALUE`
 * (or `config set KEY --stdin`), `test-notify [--email ADDR] [--webhook NAME]`, and how `show`
 * lists a run's notifications.
 * KEY is a dot path into the settings section of the schedule file (`smtp.host`,
 * `notify.defaultTo`, `webhooks.ops-teams.url` or `webhooks.0.url`). Secrets are never printed.
 */
import { hostname } from 'node:os';
import { isSecretSettingsPath, mapSettingsSecrets } from '../engine/config/secret-fields.ts';
import { settingsSchema, type SettingsPatch } from '../engine/config/settings-schema.ts';
import { validateScheduleFile } from '../engine/config/validate.ts';
import { ValidationError } from '../engine/errors.ts';
import { sendTestNotifications } from '../engine/notify/test-notify.ts';
import { saveSettings } from '../engine/schedule-service.ts';
import type { NotificationRecord } from '../engine/store/notifications-repo.ts';
import { isEncrypted } from '../engine/store/secrets.ts';
import type { Store } from '../engine/store/store.ts';
import { DEFAULT_SETTINGS } from '../engine/types.ts';
import { noExtraArguments, required, stdinValue, UsageError, type CliContext } from './context.ts';

const SECRET_SET = '<secret set>';
const NOT_SET = '<not set>';
const SETTING_KEYS = Object.keys(settingsSchema.shape);
/** Key segments that reach an object's prototype instead of a setting. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

type Segment = string | number;

/** `config get [KEY]` / `config set KEY VALUE|--stdin`. */
export async function config(ctx: CliContext): Promise<number> {
  const action = required(ctx, 0, 'get or set');
  if (action === 'get') return configGet(ctx);
  if (action === 'set') return configSet(ctx);
  throw new UsageError(`Expected \`config get KEY\` or \`config set KEY VALUE\`, got \`config ${action}\``);
}

/** Prints one setting (or all of them without KEY); secrets show as "<secret set>". */
function configGet(ctx: CliContext): number {
  noExtraArguments(ctx.positionals.slice(1), 1, 'config get');
  if (ctx.flags.stdin) throw new UsageError('--stdin only applies to `config set KEY --stdin`');
  const key = ctx.positionals[1];
  if (key !== undefined) keySegments(key);
  const store = ctx.engine().store;
  const hidden = hiddenSettings(store);
  if (key === undefined) {
    ctx.out(JSON.stringify(hidden, null, 2));
    return 0;
  }
  const path = resolvePath(key, storedSettings(store, false));
  const value = getAt(hidden, path);
  ctx.out(value === undefined ? NOT_SET : typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return 0;
}

/**
 * Changes one setting. VALUE is JSON when it parses as JSON (`587`, `true`, `["a@corp"]`), else a
 * string; a secret is always taken as the string given. The whole settings section is validated
 * after the change, so `smtp.host` on a store without SMTP asks for the whole `smtp` object.
 */
async function configSet(ctx: CliContext): Promise<number> {
  const key = required(ctx, 1, 'KEY (such as smtp.host)');
  keySegments(key);
  const raw = await valueArgument(ctx);
  const store = ctx.engine().store;
  const current = storedSettings(store, true) as Record<string, unknown>;
  const path = resolvePath(key, current);
  const secret = isSecretSettingsPath(path);
  const value = secret ? raw : parseValue(raw);
  const changed = setAt(structuredClone(current), path, value, key);
  const result = validateScheduleFile({ settings: changed });
  if (!result.ok) throw new ValidationError(result.problems);
  const top = path[0] as keyof SettingsPatch;
  saveSettings(store, { [top]: result.value.settings[top] } as SettingsPatch);
  const shown = getAt(hiddenSettings(store), path);
  ctx.out(`${key} = ${typeof shown === 'string' ? shown : JSON.stringify(shown)}`);
  return 0;
}

/** VALUE from the command line, or with --stdin from standard input (a password, a webhook URL). */
async function valueArgument(ctx: CliContext): Promise<string> {
  const given = ctx.positionals[2];
  if (!ctx.flags.stdin) {
    if (given === undefined) throw new UsageError('Missing VALUE (or --stdin to read it from standard input)');
    return given;
  }
  if (given !== undefined) throw new UsageError('Give VALUE or --stdin, not both');
  return stdinValue(ctx, '--stdin', 'nothing was changed');
}

/** `test-notify [--email ADDR] [--webhook NAME]`: one line per message; exit 1 if any failed. */
export async function testNotify(ctx: CliContext): Promise<number> {
  const flag = (name: string) => (typeof ctx.flags[name] === 'string' ? (ctx.flags[name] as string) : undefined);
  const results = await sendTestNotifications(ctx.engine().store, { email: flag('email'), webhook: flag('webhook'), host: hostname(), now: Date.now() });
  for (const r of results) {
    const where = r.channel === 'email' ? `email to ${r.target || '(nobody)'}` : `webhook ${r.target}`;
    const tries = `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`;
    ctx.out(r.ok ? `${where}: sent (${tries})` : `${where}: FAILED after ${tries}: ${r.error}`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

/** One line per notification, for `show`: "email ops@corp retries_exhausted sent (1 attempt) 2026-…". */
export function notificationLines(records: NotificationRecord[]): string[] {
  return records.map((n) => {
    const tries = n.attempts ? ` (${n.attempts} attempt${n.attempts === 1 ? '' : 's'})` : '';
    const at = new Date(n.sentAt ?? n.createdAt).toISOString();
    return `${n.channel} ${n.target} ${n.event} ${n.status}${tries} ${at}${n.error ? `: ${n.error}` : ''}`;
  });
}

/** A notification as `show --json` prints it. */
export function notificationJson(n: NotificationRecord) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return { channel: n.channel, target: n.target, event: n.event, status: n.status, attempts: n.attempts, error: n.error, createdAt: iso(n.createdAt), sentAt: iso(n.sentAt) };
}

/** The stored settings section; with `open`, secrets decrypted, else as stored (sealed). */
function storedSettings(store: Store, open: boolean): SettingsPatch {
  const patch: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = store.settings.get<unknown>(key);
    if (value !== undefined) patch[key] = value;
  }
  return open ? mapSettingsSecrets(patch, (v) => (isEncrypted(v) ? store.box.decrypt(v) : v)) : patch;
}

/** The stored settings with every secret shown as "<secret set>", engine defaults filled in. */
function hiddenSettings(store: Store): Record<string, unknown> {
  return withDefaults(mapSettingsSecrets(storedSettings(store, false), () => SECRET_SET) as Record<string, unknown>);
}

function withDefaults(settings: Record<string, unknown>): Record<string, unknown> {
  return { ...DEFAULT_SETTINGS, ...settings };
}

/**
 * KEY's dot-separated segments, or a usage error naming KEY: an unknown setting, an empty
 * segment, or `__proto__`/`constructor`/`prototype`, which would reach past the settings into
 * an object's prototype.
 */
function keySegments(key: string): string[] {
  const parts = key.split('.');
  if (!parts[0] || !SETTING_KEYS.includes(parts[0]) || parts.some((p) => p === '')) {
    throw new UsageError(`Unknown setting \`${key}\`; settings are ${SETTING_KEYS.join(', ')} (use dots for fields: smtp.host)`);
  }
  const forbidden = parts.find((p) => FORBIDDEN_SEGMENTS.has(p));
  if (forbidden !== undefined) throw new UsageError(`\`${key}\`: \`${forbidden}\` is not a setting field`);
  return parts;
}

/** Splits KEY into segments; a webhook named in the path becomes its index. */
function resolvePath(key: string, settings: SettingsPatch): Segment[] {
  const parts = keySegments(key);
  if (parts[0] !== 'webhooks' || parts[1] === undefined || /^\d+$/.test(parts[1])) {
    return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  }
  const index = (settings.webhooks ?? []).findIndex((w) => w.name === parts[1]);
  if (index < 0) throw new UsageError(`No webhook named \`${parts[1]}\`; set the whole list with \`config set webhooks '[…]'\``);
  return ['webhooks', index, ...parts.slice(2)];
}

function getAt(root: unknown, path: Segment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function setAt(root: Record<string, unknown>, path: Segment[], value: unknown, key: string): Record<string, unknown> {
  let node: Record<string | number, unknown> = root;
  for (const [i, segment] of path.slice(0, -1).entries()) {
    const next = Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (next === undefined) node[segment] = typeof path[i + 1] === 'number' ? [] : {};
    else if (typeof next !== 'object' || next === null) throw new UsageError(`\`${key}\`: \`${path.slice(0, i + 1).join('.')}\` is not an object`);
    node = node[segment] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]!] = value;
  return root;
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

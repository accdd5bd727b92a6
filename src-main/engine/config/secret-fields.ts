/**
 * Which fields hold secrets, in one place. The store encrypts them (map to ciphertext and
 * back), the exporter leaves them out (map to SECRET_PLACEHOLDER), the redactor collects their
 * values, and the validator hides them in messages. Secret fields: a connection's
 * `connectionString`; an HTTP job's auth token, password and API key value; the values of its
 * URL's query parameters named like credentials (`api_key`, `key`, `access_token`, `sig`…:
 * the names the redactor masks in URLs), so a key typed into the URL is encrypted too; its
 * `proxy` URL when it holds a password (`http://user:password@proxy:8080`), as a whole; its
 * headers named
 * in `secretHeaders` or that look like credentials (Authorization, X-API-Key, *token*,
 * *secret*, *password*, *api-key*, Cookie); process environment variables whose names look
 * like credentials; the value and default of parameters marked `secret: true`; the SMTP
 * password; a webhook's URL (Slack and Teams put the credential in it) and its headers that look
 * like credentials.
 */
import type { ConnectionSpec, JobSpec, ScheduleParameter, ScheduleSpec } from '../types.ts';
import { formatSegments, isRecord, type PathSegment } from './problems.ts';
import type { SettingsPatch, WebhookSettings } from './settings-schema.ts';

/** Stands for a secret in an export; importing it for a secret field keeps the stored value. */
export const SECRET_PLACEHOLDER = '<secret>';

/** Called for each secret value with its path (`job.auth.token`, `parameters.Pwd.value`). */
export type SecretMapper = (value: string, path: string) => string;

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie']);
const CREDENTIAL_WORD = /token|secret|passw(or)?d|pwd|api[-_]?key/i;
/** Query parameters whose values are credentials: the names redact.ts masks in a URL. */
const SECRET_QUERY_NAME = /^(?:[\w.-]{0,64}token|api[-_]?key|apikey|key|passw(?:or)?d|pwd|[\w.-]{0,64}secret|sig|signature)$/i;

/** True when an HTTP header carries a credential. */
export function isSecretHeaderName(name: string, secretHeaders: readonly string[] = []): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.has(lower) || CREDENTIAL_WORD.test(lower) || secretHeaders.some((h) => h.toLowerCase() === lower);
}

/** True when an environment variable's name says it holds a credential. */
export function isSecretEnvironmentName(name: string): boolean {
  return CREDENTIAL_WORD.test(name);
}

/** True when a URL's query parameter carries a credential; `name` as written (percent-encoded or not). */
function isSecretQueryName(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // A malformed escape: the name is judged as written.
  }
  return SECRET_QUERY_NAME.test(decoded);
}

/** Maps every secret value of a schedule; other fields are shared with the input, not copied. */
export function mapSecrets(spec: ScheduleSpec, fn: SecretMapper): ScheduleSpec {
  return { ...spec, job: mapJobSecrets(spec.job, fn), parameters: spec.parameters.map((p) => mapParameter(p, fn)) };
}

/** Maps a connection's connection string. */
export function mapConnectionSecrets(connection: ConnectionSpec, fn: SecretMapper): ConnectionSpec {
  return { ...connection, connectionString: fn(connection.connectionString, 'connectionString') };
}

/** Maps the SMTP password, webhook URLs and credential-like webhook headers. */
export function mapSettingsSecrets(settings: SettingsPatch, fn: SecretMapper): SettingsPatch {
  const result: SettingsPatch = { ...settings };
  if (settings.smtp?.password !== undefined) {
    result.smtp = { ...settings.smtp, password: fn(settings.smtp.password, 'smtp.password') };
  }
  if (settings.webhooks) result.webhooks = settings.webhooks.map((w) => mapWebhook(w, fn));
  return result;
}

/** The non-empty secret values of a schedule, for the redactor. */
export function collectSecretValues(spec: ScheduleSpec): string[] {
  return collect((fn) => mapSecrets(spec, fn));
}

/** The connection string, for the redactor. */
export function collectConnectionSecrets(connection: ConnectionSpec): string[] {
  return collect((fn) => mapConnectionSecrets(connection, fn));
}

/** The SMTP password and webhook credentials, for the redactor. */
export function collectSettingsSecrets(settings: SettingsPatch): string[] {
  return collect((fn) => mapSettingsSecrets(settings, fn));
}

/**
 * Replaces each SECRET_PLACEHOLDER in `incoming` with the stored value at the same path (an
 * exported file re-imported keeps its secrets). `missing` lists the paths that had a
 * placeholder but no stored value; the caller reports them.
 */
export function keepStoredSecrets<T>(
  map: (value: T, fn: SecretMapper) => T,
  incoming: T,
  stored: T | undefined,
): { value: T; missing: string[] } {
  const storedValues = new Map<string, string>();
  if (stored !== undefined) map(stored, (value, path) => (storedValues.set(path, value), value));
  const missing: string[] = [];
  const value = map(incoming, (secret, path) => {
    if (secret !== SECRET_PLACEHOLDER) return secret;
    const kept = storedValues.get(path);
    if (kept === undefined || kept === SECRET_PLACEHOLDER) missing.push(path);
    return kept ?? secret;
  });
  return { value, missing };
}

/** True when the raw (unvalidated) schedule's value at `path` is secret: messages hide it. */
export function isSecretSchedulePath(raw: unknown, path: readonly PathSegment[]): boolean {
  const [first, second, third, fourth] = path;
  if (!isRecord(raw)) return false;
  if (first === 'parameters' && typeof second === 'number' && (third === 'value' || third === 'default')) {
    const parameter = Array.isArray(raw.parameters) ? raw.parameters[second] : undefined;
    return isRecord(parameter) && parameter.secret === true;
  }
  if (first !== 'job' || !isRecord(raw.job)) return false;
  if (second === 'auth') return third === 'token' || third === 'password' || third === 'value';
  if (second === 'url' && third === undefined) {
    return typeof raw.job.url === 'string' && (mapUrlSecrets(raw.job.url, () => '') !== raw.job.url || hasUserInfo(raw.job.url));
  }
  if (second === 'proxy' && third === undefined) return typeof raw.job.proxy === 'string' && hasUserInfo(raw.job.proxy);
  if (second === 'headers' && typeof third === 'string' && fourth === undefined) {
    const named = Array.isArray(raw.job.secretHeaders) ? raw.job.secretHeaders.filter((h) => typeof h === 'string') : [];
    return isSecretHeaderName(third, named);
  }
  return second === 'environment' && typeof third === 'string' && isSecretEnvironmentName(third);
}

/** True when a connection's value at `path` is secret. */
export function isSecretConnectionPath(path: readonly PathSegment[]): boolean {
  return path[0] === 'connectionString';
}

/** True when a settings value at `path` is secret. */
export function isSecretSettingsPath(path: readonly PathSegment[]): boolean {
  if (path[0] === 'smtp') return path[1] === 'password';
  if (path[0] !== 'webhooks') return false;
  if (path[2] === 'url') return path.length === 3;
  return path[2] === 'headers' && typeof path[3] === 'string' && isSecretHeaderName(path[3]);
}

function mapJobSecrets(job: JobSpec, fn: SecretMapper): JobSpec {
  if (job.type === 'process') {
    return job.environment ? { ...job, environment: mapEntries(job.environment, ['job', 'environment'], isSecretEnvironmentName, fn) } : job;
  }
  if (job.type === 'sql') return job;
  const result = { ...job, url: mapUrlSecrets(job.url, fn) };
  if (job.proxy !== undefined && isSecretProxy(job.proxy)) result.proxy = fn(job.proxy, 'job.proxy');
  const secretHeaders = job.secretHeaders ?? [];
  if (job.headers) {
    result.headers = mapEntries(job.headers, ['job', 'headers'], (name) => isSecretHeaderName(name, secretHeaders), fn);
  }
  const auth = job.auth;
  if (auth?.type === 'bearer') result.auth = { ...auth, token: fn(auth.token, 'job.auth.token') };
  if (auth?.type === 'basic') result.auth = { ...auth, password: fn(auth.password, 'job.auth.password') };
  if (auth?.type === 'apiKey') result.auth = { ...auth, value: fn(auth.value, 'job.auth.value') };
  return result;
}

/**
 * Maps the non-empty values of a URL's credential-like query parameters, as written (still
 * percent-encoded), and leaves every other character of the URL as it was. The path names the
 * parameter (`job.url.api_key`), and its occurrence when the name repeats (`job.url.key[2]`).
 */
function mapUrlSecrets(url: string, fn: SecretMapper): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const hash = url.indexOf('#', start);
  const end = hash < 0 ? url.length : hash;
  const seen = new Map<string, number>();
  const pairs = url.slice(start + 1, end).split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals);
    if (equals <= 0 || equals === pair.length - 1 || !isSecretQueryName(name)) return pair;
    const occurrence = (seen.get(name) ?? 0) + 1;
    seen.set(name, occurrence);
    const path = formatSegments(['job', 'url', name]) + (occurrence > 1 ? `[${occurrence}]` : '');
    return `${name}=${fn(pair.slice(equals + 1), path)}`;
  });
  return `${url.slice(0, start + 1)}${pairs.join('&')}${url.slice(end)}`;
}

/** `scheme://` then an `@` before the authority ends: a URL parser takes what precedes it as user and password. */
const USER_INFO = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\\]*@/i;

/**
 * True when a URL names a user or password, even one no parser would take. In an HTTP
 * job's `url` they would not be sent (undici, like fetch, takes the origin and path), so the
 * schema refuses them there; in a `proxy` URL they are the proxy's credentials.
 */
export function hasUserInfo(url: string): boolean {
  return USER_INFO.test(url);
}

/**
 * A proxy URL with a user name or password is a secret as a whole (like a webhook's URL). Once
 * sealed in the store or exported as SECRET_PLACEHOLDER it is no URL at all, and is mapped back.
 */
function isSecretProxy(proxy: string): boolean {
  return !/^https?:\/\//i.test(proxy) || hasUserInfo(proxy);
}

function mapParameter(parameter: ScheduleParameter, fn: SecretMapper): ScheduleParameter {
  if (parameter.secret !== true) return parameter;
  const result = { ...parameter };
  const base: PathSegment[] = ['parameters', parameter.name];
  if (typeof parameter.value === 'string') result.value = fn(parameter.value, formatSegments([...base, 'value']));
  if (typeof parameter.default === 'string') result.default = fn(parameter.default, formatSegments([...base, 'default']));
  return result;
}

function mapWebhook(webhook: WebhookSettings, fn: SecretMapper): WebhookSettings {
  const url = fn(webhook.url, formatSegments(['webhooks', webhook.name, 'url']));
  if (!webhook.headers) return { ...webhook, url };
  const base = ['webhooks', webhook.name, 'headers'];
  return { ...webhook, url, headers: mapEntries(webhook.headers, base, (name) => isSecretHeaderName(name), fn) };
}

function mapEntries(
  entries: Record<string, string>,
  base: PathSegment[],
  isSecret: (name: string) => boolean,
  fn: SecretMapper,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entries).map(([name, value]) => [name, isSecret(name) ? fn(value, formatSegments([...base, name])) : value]),
  );
}

function collect(run: (fn: SecretMapper) => unknown): string[] {
  const values = new Set<string>();
  run((value) => {
    if (value !== '' && value !== SECRET_PLACEHOLDER) values.add(value);
    return value;
  });
  return [...values];
}

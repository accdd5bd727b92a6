/**
 * Turns an HTTP job and the run's parameter values into the request to send, and a description
 * of it for the run's output and log with every credential masked. Parameters are URL-encoded in
 * the URL, JSON-escaped in a JSON body (form-encoded in a form body), and refused in a header
 * when they would add a line break, so no value can change the shape of what is sent.
 */
import { isSecretHeaderName } from '../config/secret-fields.ts';
import { NonRetryableError } from '../errors.ts';
import { substitute, type TemplateValues } from '../params/template.ts';
import type { HttpJob, HttpMethod } from '../types.ts';

/** What the runner sends, plus what it needs to describe and mask it. */
export interface PreparedRequest {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | undefined;
  /** `host:port`, the circuit breaker's key. */
  hostKey: string;
  /** The request line, headers and body as sent, credentials masked (a body cut at `bodyLimit`). */
  describe(bodyLimit: number): string[];
  /** Credential values to mask wherever the runner writes (auth values, secret header values). */
  secrets: string[];
}

const MASK = '***';
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };
const JSON_TYPE = /^[^;]*[/+]json\s*(?:;|$)/i;
const FORM_TYPE = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;
/** Used when a job has a body and says nothing of its type: most REST APIs take JSON. */
const DEFAULT_BODY_TYPE = 'application/json';

/** True for JSON media types: application/json, application/problem+json, text/json. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_TYPE.test(contentType);
}

/** Builds the request; throws NonRetryableError for an unknown placeholder or an unusable value. */
export function prepareRequest(job: HttpJob, values: TemplateValues): PreparedRequest {
  const rawUrl = substitute(job.url, values, { field: 'url', encode: encodeURIComponent });
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new NonRetryableError(`Expected \`url\` to be an http:// or https:// URL once parameters are in, got \`${rawUrl}\``);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NonRetryableError(`Expected \`url\` to be an http:// or https:// URL once parameters are in, got \`${rawUrl}\``);
  }
  const hostKey = `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol]}`;

  const headers = new HeaderList();
  for (const [name, template] of Object.entries(job.headers ?? {})) {
    const value = substitute(template, values, { field: `headers.${name}` });
    if (/[\r\n\0]/.test(value)) {
      throw new NonRetryableError(`A parameter in \`headers.${name}\` holds a line break or NUL; header values cannot`);
    }
    headers.set(name, value, isSecretHeaderName(name, job.secretHeaders));
  }

  const secrets = headers.secretValues();
  const displayUrl = new URL(url);
  const auth = job.auth;
  if (auth?.type === 'bearer') {
    headers.set('Authorization', `Bearer ${auth.token}`, true);
    secrets.push(auth.token);
  } else if (auth?.type === 'basic') {
    const encoded = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
    headers.set('Authorization', `Basic ${encoded}`, true);
    secrets.push(auth.password, encoded);
  } else if (auth?.type === 'apiKey' && auth.in === 'header') {
    headers.set(auth.name, auth.value, true);
    secrets.push(auth.value);
  } else if (auth?.type === 'apiKey') {
    // Appended by hand: URLSearchParams would re-encode the parameters already in the URL.
    const pair = (value: string) => `${encodeURIComponent(auth.name)}=${encodeURIComponent(value)}`;
    url.search = url.search ? `${url.search}&${pair(auth.value)}` : `?${pair(auth.value)}`;
    displayUrl.search = displayUrl.search ? `${displayUrl.search}&${pair(MASK)}` : `?${pair(MASK)}`;
    secrets.push(auth.value, encodeURIComponent(auth.value));
  }

  let body: string | undefined;
  if (job.body !== undefined) {
    const contentType = job.contentType ?? headers.get('content-type') ?? DEFAULT_BODY_TYPE;
    headers.set('Content-Type', contentType, false);
    const encode = isJsonContentType(contentType) ? jsonEscape : FORM_TYPE.test(contentType) ? encodeURIComponent : undefined;
    body = substitute(job.body, values, { field: 'body', encode });
  } else if (job.contentType !== undefined) {
    headers.set('Content-Type', job.contentType, false);
  }
  if (headers.get('user-agent') === undefined) headers.set('User-Agent', 'Batchlight', false);

  const method = job.method;
  return {
    url,
    method,
    headers: headers.toObject(),
    body,
    hostKey,
    secrets: secrets.filter((s) => s.length > 0),
    describe(bodyLimit) {
      const lines = [`${method} ${displayUrl.href} HTTP/1.1`, `Host: ${url.host}`, ...headers.display()];
      if (body === undefined) return lines;
      const bytes = Buffer.byteLength(body);
      const shown = bytes > bodyLimit ? Buffer.from(body).subarray(0, bodyLimit).toString('utf8') : body;
      lines.push('', ...shown.split(/\r?\n/));
      if (bytes > bodyLimit) lines.push(`[request body: ${bytes} bytes, the first ${bodyLimit} shown]`);
      return lines;
    },
  };
}

function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** Headers by case-insensitive name, keeping the spelling the job used; later sets replace. */
class HeaderList {
  readonly #entries = new Map<string, { name: string; value: string; secret: boolean }>();

  set(name: string, value: string, secret: boolean): void {
    this.#entries.set(name.toLowerCase(), { name, value, secret });
  }

  get(name: string): string | undefined {
    return this.#entries.get(name.toLowerCase())?.value;
  }

  secretValues(): string[] {
    return [...this.#entries.values()].filter((e) => e.secret).map((e) => e.value);
  }

  toObject(): Record<string, string> {
    return Object.fromEntries([...this.#entries.values()].map((e) => [e.name, e.value]));
  }

  /** `Name: value` lines; a secret value is masked, keeping an Authorization scheme word. */
  display(): string[] {
    return [...this.#entries.values()].map(({ name, value, secret }) => {
      if (!secret) return `${name}: ${value}`;
      const scheme = name.toLowerCase().endsWith('authorization') ? /^([A-Za-z][\w-]*)\s+\S/.exec(value)?.[1] : undefined;
      return `${name}: ${scheme ? `${scheme} ` : ''}${MASK}`;
    });
  }
}

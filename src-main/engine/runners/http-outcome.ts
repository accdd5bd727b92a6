/**
 * What an HTTP failure means for the schedule: only transient failures (network errors,
 * timeouts, 408, 429, 5xx) are worth a retry and count toward the host's circuit breaker; any
 * other answer fails the run at once, saying why it is not retried. A Retry-After header on a
 * transient answer becomes the minimum delay before the retry.
 */
import { STATUS_CODES } from 'node:http';

/** A request that did not get an answer, in words, and whether retrying may help. */
export interface RequestFailure {
  message: string;
  /** The error itself, without the host: "connect ECONNREFUSED 10.0.0.5:443". */
  reason: string;
  transient: boolean;
}

/** Certificate problems: retrying cannot fix them, configuration can. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Mistakes in what was asked (a bad header value, an invalid URL for undici): never transient. */
const REQUEST_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_URL']);

/** True for statuses worth retrying: 408, 429 and every 5xx. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** The reason phrase the server sent, or the standard one. */
export function reasonPhrase(status: number, statusText: string | undefined): string {
  return statusText || STATUS_CODES[status] || '';
}

/** Milliseconds from `now` that a Retry-After header (seconds or an HTTP date) asks to wait. */
export function parseRetryAfter(header: string | string[] | undefined, now: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Why a status that is not a success failed the run, and whether it is retried. */
export function statusFailure(
  status: number,
  statusText: string,
  expected: string,
  location: string | undefined,
): { error: string; retryable: boolean } {
  const head = `HTTP ${status} ${statusText}`.trimEnd();
  if (isTransientStatus(status)) return { error: `${head} (expected ${expected})`, retryable: true };
  const redirect = status >= 300 && status < 400 ? `; redirects are not followed${location ? ` (Location: ${location})` : ''}` : '';
  return { error: `${head} (expected ${expected}) is not retried (only 408, 429 and 5xx are)${redirect}`, retryable: false };
}

/** Describes an error thrown while sending the request or reading the answer. */
export function describeRequestError(error: unknown, hostKey: string, proxy?: string): RequestFailure {
  const chain = causes(error);
  const code = chain.map(codeOf).find((c) => c !== undefined);
  const detail = chain.map((e) => (e instanceof Error ? e.message : String(e))).filter(Boolean);
  const reason = [...new Set(detail)].join(': ') || String(error);
  if (code && TLS_CODES.has(code)) {
    return {
      message: `TLS certificate of ${hostKey} was not accepted (${code}: ${reason}); trust its root with tls.caFile`,
      reason,
      transient: false,
    };
  }
  if (code && REQUEST_CODES.has(code)) return { message: `The request could not be sent: ${reason}`, reason, transient: false };
  const via = proxy ? ` through proxy ${withoutCredentials(proxy)}` : '';
  const full = `${reason}${code && !reason.includes(code) ? ` (${code})` : ''}`;
  return { message: `No answer from ${hostKey}${via}: ${full}`, reason: full, transient: true };
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.origin;
  } catch {
    return url;
  }
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && chain.length < 5; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (typeof e !== 'object') break;
  }
  return chain;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

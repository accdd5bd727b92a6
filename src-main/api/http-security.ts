/**
 * The loopback server's gatekeeping as pure functions, so each rule can be tested against
 * tables of hostile input. A web page on any site can make the browser send requests to
 * 127.0.0.1; these checks make sure only Batchlight's own page (served from this origin, with
 * the token) gets answers:
 * - Host must name a loopback address with our port (a DNS-rebinding page sends its own host
 *   name, such as `evil.com:PORT`);
 * - Origin, when present, must be exactly our origin (`null` and other ports/schemes are foreign);
 * - the token is compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The host names the server answers to (browsers send them lower-case; IPv6 in brackets). */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** True when `host` is an address `listen` may bind to without leaving this machine. */
export function isLoopbackAddress(host: string): boolean {
  return host === '127.0.0.1' || host === '::1';
}

/** True when the Host header names this server: a loopback name and exactly our port. */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (typeof hostHeader !== 'string' || hostHeader === '') return false;
  const host = hostHeader.toLowerCase();
  return LOOPBACK_NAMES.some((name) => host === `${name}:${port}` || (port === 80 && host === name));
}

/**
 * True when the request may come from this Origin: none at all (not a browser, or a same-origin
 * navigation), or exactly `http://<loopback name>:PORT`. `null` (sandboxed frames, file://
 * pages) and anything else is foreign.
 */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return LOOPBACK_NAMES.some((name) => origin === `http://${name}:${port}` || (port === 80 && origin === `http://${name}`));
}

/**
 * Compares a presented token with the expected one in constant time (both are hashed first, so
 * neither the content nor the length leaks through timing). An empty expected token matches nothing.
 */
export function tokenMatches(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== 'string' || given === '' || expected === '') return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return match?.[1];
}

/** The headers every answer carries: no framing, no sniffing, no referrer, scripts only from this origin. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

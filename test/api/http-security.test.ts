import { describe, expect, it } from 'vitest';
import { bearerToken, isAllowedHost, isAllowedOrigin, isLoopbackAddress, tokenMatches } from '../../src-main/api/http-security.ts';

const PORT = 8417;

describe('Host header check (DNS rebinding)', () => {
  it.each([
    ['127.0.0.1:8417'],
    ['localhost:8417'],
    ['LOCALHOST:8417'],
    ['[::1]:8417'],
  ])('accepts the loopback name %s with our port', (host) => {
    expect(isAllowedHost(host, PORT)).toBe(true);
  });

  it.each([
    ['evil.com:8417', 'a rebinding domain with our port'],
    ['evil.com', 'a rebinding domain'],
    ['127.0.0.1.evil.com:8417', 'a domain starting with the loopback address'],
    ['localhost.evil.com:8417', 'a domain starting with localhost'],
    ['evil.localhost.com:8417', 'localhost in the middle'],
    ['127.0.0.1:8418', 'the wrong port'],
    ['127.0.0.1', 'no port'],
    ['localhost', 'localhost without a port'],
    ['[::1]', 'IPv6 loopback without a port'],
    ['::1:8417', 'IPv6 without brackets'],
    ['[::1]:8418', 'IPv6 loopback with the wrong port'],
    ['[0:0:0:0:0:0:0:1]:8417', 'a spelled-out IPv6 loopback'],
    ['[::ffff:127.0.0.1]:8417', 'an IPv4-mapped address'],
    ['0.0.0.0:8417', 'the any address'],
    ['127.0.0.2:8417', 'another 127/8 address'],
    ['2130706433:8417', 'a decimal IPv4 literal'],
    ['localhost.:8417', 'a trailing dot'],
    ['127.0.0.1:8417@evil.com', 'userinfo tricks'],
    ['127.0.0.1:8417 ', 'trailing space'],
    ['127.0.0.1:08417', 'a zero-padded port'],
    ['', 'an empty header'],
    [undefined, 'a missing header'],
  ] as Array<[string | undefined, string]>)('refuses %s (%s)', (host) => {
    expect(isAllowedHost(host, PORT)).toBe(false);
  });
});

describe('Origin header check', () => {
  it.each([[undefined], ['http://127.0.0.1:8417'], ['http://localhost:8417'], ['http://[::1]:8417']])('accepts %s', (origin) => {
    expect(isAllowedOrigin(origin, PORT)).toBe(true);
  });

  it.each([
    ['null', 'a sandboxed frame or file:// page'],
    ['http://127.0.0.1:9999', 'another local port'],
    ['https://127.0.0.1:8417', 'https'],
    ['file://', 'a file URL'],
    ['http://evil.com', 'a foreign site'],
    ['http://evil.com:8417', 'a rebinding site with our port'],
    ['http://127.0.0.1.evil.com:8417', 'a look-alike domain'],
    ['http://127.0.0.1:8417/', 'a trailing slash'],
    ['HTTP://127.0.0.1:8417', 'a different case'],
    ['http://127.0.0.1', 'no port'],
    ['', 'an empty origin'],
    ['chrome-extension://abc', 'an extension'],
  ])('refuses %s (%s)', (origin) => {
    expect(isAllowedOrigin(origin, PORT)).toBe(false);
  });
});

describe('token comparison', () => {
  const expected = 'aVeryLongRandomTokenValue_0123456789-abcdef';

  it('matches the exact token', () => {
    expect(tokenMatches(expected, expected)).toBe(true);
  });

  it.each([
    [undefined, 'no token'],
    [null, 'null'],
    ['', 'an empty token'],
    ['aVeryLongRandomTokenValue_0123456789-abcde', 'one character short'],
    [`${expected}x`, 'one character more'],
    [expected.toUpperCase(), 'a different case'],
    [` ${expected}`, 'a leading space'],
    ['a', 'a prefix'],
  ] as Array<[string | undefined | null, string]>)('refuses %s (%s)', (given) => {
    expect(tokenMatches(given, expected)).toBe(false);
  });

  it('refuses everything when no token is configured', () => {
    expect(tokenMatches('', '')).toBe(false);
    expect(tokenMatches('anything', '')).toBe(false);
  });

  it('reads the token of a Bearer Authorization header only', () => {
    expect(bearerToken(`Bearer ${expected}`)).toBe(expected);
    expect(bearerToken(`bearer ${expected}`)).toBe(expected);
    expect(bearerToken(`Basic ${expected}`)).toBeUndefined();
    expect(bearerToken(expected)).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('listen address check', () => {
  it.each([['127.0.0.1'], ['::1']])('allows %s', (host) => expect(isLoopbackAddress(host)).toBe(true));
  it.each([['0.0.0.0'], ['::'], ['localhost'], ['192.168.1.10'], ['']])('refuses %s', (host) => expect(isLoopbackAddress(host)).toBe(false));
});

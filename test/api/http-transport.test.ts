import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHttpTransport } from '../../src-main/api/http-transport.ts';
import { makeEngine, tempDir } from '../helpers/engine-harness.ts';
import { openSse, startApi, TOKEN } from './api-harness.ts';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** A fake renderer build with an index, an asset and a secret file beside the folder. */
function rendererBuild(): string {
  const root = tempDir('batchlight-renderer-');
  const dir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Batchlight</title>');
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("app")');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP-SECRET');
  return dir;
}

describe('loopback transport: refusals', () => {
  it('refuses to listen on a non-loopback address such as 0.0.0.0', async () => {
    const engine = makeEngine({ notifications: false });
    await expect(startHttpTransport({ engine, token: TOKEN, host: '0.0.0.0', port: 0 })).rejects.toThrow(/only listens on a loopback address/);
  });

  it('answers 401 to an API call without a token or with a wrong one', async () => {
    const api = await startApi();
    const none = await api.raw({ method: 'POST', path: '/api/engineState' });
    const wrong = await api.raw({ method: 'POST', path: '/api/engineState', headers: { authorization: 'Bearer wrong-token' } });
    const inQuery = await api.raw({ method: 'POST', path: `/api/engineState?token=${TOKEN}` });
    expect([none.status, wrong.status, inQuery.status]).toEqual([401, 401, 401]);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/token/) } });
  });

  it('answers 401 to the event stream without a token or with a wrong one', async () => {
    const api = await startApi();
    expect((await openSse(`${api.transport.url}api/events`)).status).toBe(401);
    expect((await openSse(`${api.transport.url}api/events?token=nope`)).status).toBe(401);
    const withHeader = await openSse(`${api.transport.url}api/events`, { authorization: `Bearer ${TOKEN}` });
    expect(withHeader.status).toBe(200);
    withHeader.close();
  });

  it('answers 403 to a foreign Host header (DNS rebinding), even with the right token', async () => {
    const api = await startApi();
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const host of [`evil.com:${api.port}`, `127.0.0.1.evil.com:${api.port}`, `localhost.evil.com:${api.port}`, `127.0.0.1:${api.port + 1}`]) {
      const response = await api.raw({ method: 'POST', path: '/api/engineState', host, headers: auth });
      expect(response.status, host).toBe(403);
    }
    // Node's HTTP server itself refuses an HTTP/1.1 request without Host (400) before we see it.
    expect([400, 403]).toContain((await api.raw({ method: 'POST', path: '/api/engineState', host: null, headers: auth })).status);
    expect((await api.raw({ path: '/', host: `evil.com:${api.port}` })).status).toBe(403);
  });

  it('answers 403 to a foreign Origin, even with the right token', async () => {
    const api = await startApi();
    for (const origin of ['null', 'http://evil.com', `http://127.0.0.1:${api.port + 1}`, `https://127.0.0.1:${api.port}`, 'file://']) {
      const response = await api.raw({ method: 'POST', path: '/api/engineState', headers: { authorization: `Bearer ${TOKEN}`, origin } });
      expect(response.status, origin).toBe(403);
    }
    const own = await api.raw({ method: 'POST', path: '/api/engineState', headers: { authorization: `Bearer ${TOKEN}`, origin: `http://localhost:${api.port}` } });
    expect(own.status).toBe(200);
  });

  it('answers 413 to a body over the limit', async () => {
    const api = await startApi({ maxBodyBytes: 1024 });
    const big = await api.call('importFile', { text: 'x'.repeat(2000) });
    expect(big.status).toBe(413);
    const chunked = await api.raw({
      method: 'POST',
      path: '/api/importFile',
      headers: { authorization: `Bearer ${TOKEN}`, 'transfer-encoding': 'chunked' },
      body: JSON.stringify({ text: 'y'.repeat(2000) }),
    });
    expect(chunked.status).toBe(413);
    expect((await api.call('engineState')).status).toBe(200);
  });

  it('answers 404 to an unknown method, including inherited names', async () => {
    const api = await startApi();
    for (const name of ['nope', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect((await api.call(name, {})).status, name).toBe(404);
    }
  });

  it('answers 405 to a GET on an API method', async () => {
    const api = await startApi();
    expect((await api.raw({ path: '/api/engineState', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });

  it('answers 400 naming the problem when the body is not JSON', async () => {
    const api = await startApi();
    const response = await api.raw({ method: 'POST', path: '/api/getSchedule', headers: { authorization: `Bearer ${TOKEN}` }, body: '{nope' });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.message).toMatch(/not valid JSON/);
  });

  it('answers 400 naming the key when the body gives a key twice, and changes nothing', async () => {
    const api = await startApi();
    const response = await api.raw({
      method: 'POST',
      path: '/api/setPausedAll',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{"paused": true, "paused": false}',
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.problems).toEqual([
      { path: 'paused', message: expect.stringMatching(/^Duplicate key `paused` in the request body at line 1, column 18 \(first at line 1, column 2\)/) },
    ]);
    expect((await api.value<{ pausedAll: boolean }>('engineState')).pausedAll).toBe(false);
  });
});

describe('loopback transport: static files', () => {
  it('serves the renderer without a token, with the strict security headers', async () => {
    const api = await startApi({ staticDir: rendererBuild() });
    const index = await api.raw({ path: '/' });
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Batchlight</title>');
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['content-security-policy']).toBe(CSP);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    const script = await api.raw({ path: '/assets/app.js?v=1' });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('never serves a file outside the renderer folder, however the path is written', async () => {
    const api = await startApi({ staticDir: rendererBuild() });
    const paths = [
      '/../secret.txt',
      '/../../etc/passwd',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '//etc/passwd',
      '/assets',
      '/assets/',
      '/index.html%00.js',
    ];
    for (const p of paths) {
      const response = await api.raw({ path: p });
      expect(response.status, p).toBeGreaterThanOrEqual(400);
      expect(response.body, p).not.toMatch(/TOP-SECRET|root:/);
    }
  });

  it('answers 503 saying to run npm run build:ui when the renderer is not built', async () => {
    const api = await startApi({ staticDir: path.join(tempDir(), 'missing') });
    const response = await api.raw({ path: '/' });
    expect(response.status).toBe(503);
    expect(response.body).toContain('npm run build:ui');
    expect(response.headers['content-security-policy']).toBe(CSP);
  });
});

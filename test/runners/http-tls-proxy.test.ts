/**
 * HTTPS with a private root (a corporate CA made by openssl in the test) and calls through a
 * proxy, configured on the job or through HTTP(S)_PROXY / NO_PROXY.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../src-main/engine/errors.ts';
import { createHttpRunner, type HttpRunner, type HttpRunnerOptions } from '../../src-main/engine/runners/http-runner.ts';
import { makeCertificates, type TestCertificates } from '../fixtures/http/certs.ts';
import { startProxy, type TestProxy } from '../fixtures/http/proxy.ts';
import { httpContext, httpJob } from '../fixtures/http/run-context.ts';
import { json, startServer, type TestServer } from '../fixtures/http/server.ts';

let dir: string;
let certs: TestCertificates;
let secure: TestServer;
let plain: TestServer;
let proxy: TestProxy;
const runners: HttpRunner[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-http-tls-'));
  certs = await makeCertificates(dir);
  secure = await startServer((_req, res) => json(res, 200, { secure: true }), certs);
  plain = await startServer((_req, res) => json(res, 200, { secure: false }));
  proxy = await startProxy();
});
afterAll(async () => {
  await Promise.all(runners.map((r) => r.close()));
  await Promise.all([secure.close(), plain.close(), proxy.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function runnerWith(options: HttpRunnerOptions = {}): HttpRunner {
  const runner = createHttpRunner({ environment: {}, ...options });
  runners.push(runner);
  return runner;
}

describe('http runner: TLS', () => {
  it('an HTTPS server signed by an unknown root fails without a retry, pointing at tls.caFile', async () => {
    const outcome = await runnerWith().run(httpContext(httpJob({ url: `${secure.url}/x` })));
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.error).toMatch(new RegExp(`^TLS certificate of 127\\.0\\.0\\.1:${secure.port} was not accepted \\(.+\\); trust its root with tls\\.caFile$`));
  });

  it('tls.caFile adds the corporate root, and the call succeeds', async () => {
    const outcome = await runnerWith().run(httpContext(httpJob({ url: `${secure.url}/x`, tls: { caFile: certs.caFile } })));
    expect(outcome).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('tls.rejectUnauthorized: false succeeds, and every run warns in its log and output', async () => {
    const runner = runnerWith();
    for (let i = 0; i < 2; i++) {
      const ctx = httpContext(httpJob({ url: `${secure.url}/x`, tls: { rejectUnauthorized: false } }));
      expect(await runner.run(ctx)).toMatchObject({ ok: true });
      const warning = `TLS certificate checks are off for this job (tls.rejectUnauthorized: false): 127.0.0.1:${secure.port} is not verified`;
      expect(ctx.logLines).toContain(`warn ${warning}`);
      expect(ctx.stderr.text()).toBe(`Warning: ${warning}\n`);
    }
  });

  it('a tls.caFile that does not exist fails the run naming the file', async () => {
    const missing = path.join(dir, 'missing.pem');
    const run = runnerWith().run(httpContext(httpJob({ url: `${secure.url}/x`, tls: { caFile: missing } })));
    await expect(run).rejects.toThrow(NonRetryableError);
    await expect(run).rejects.toThrow(`Could not read tls.caFile \`${missing}\`: ENOENT`);
  });

  it('a tls.caFile that is not PEM (a DER .cer) fails saying how to export it', async () => {
    const der = path.join(dir, 'root.cer');
    fs.writeFileSync(der, Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    await expect(runnerWith().run(httpContext(httpJob({ url: `${secure.url}/x`, tls: { caFile: der } })))).rejects.toThrow(
      `tls.caFile \`${der}\` holds no PEM certificate (-----BEGIN CERTIFICATE-----); export it as "Base-64 encoded X.509"`,
    );
  });
});

describe('http runner: proxy', () => {
  it('the job`s proxy carries an http call', async () => {
    const before = proxy.seen.length;
    const outcome = await runnerWith().run(httpContext(httpJob({ url: `${plain.url}/via`, proxy: proxy.url })));
    expect(outcome).toMatchObject({ ok: true, result: { status: 200 } });
    expect(proxy.seen.slice(before)).toEqual([`127.0.0.1:${plain.port}`]);
  });

  it('the job`s proxy tunnels an https call, with the corporate root still checked end to end', async () => {
    const before = proxy.seen.length;
    const job = httpJob({ url: `${secure.url}/via`, proxy: proxy.url, tls: { caFile: certs.caFile } });
    expect(await runnerWith().run(httpContext(job))).toMatchObject({ ok: true });
    expect(proxy.seen.slice(before)).toEqual([`127.0.0.1:${secure.port}`]);
  });

  it('HTTPS_PROXY and HTTP_PROXY from the environment are honoured', async () => {
    const before = proxy.seen.length;
    const runner = runnerWith({ environment: { HTTPS_PROXY: proxy.url, http_proxy: proxy.url } });
    expect(await runner.run(httpContext(httpJob({ url: `${secure.url}/env`, tls: { caFile: certs.caFile } })))).toMatchObject({ ok: true });
    expect(await runner.run(httpContext(httpJob({ url: `${plain.url}/env` })))).toMatchObject({ ok: true });
    expect(proxy.seen.slice(before)).toEqual([`127.0.0.1:${secure.port}`, `127.0.0.1:${plain.port}`]);
  });

  it('NO_PROXY sends matching hosts straight to the server', async () => {
    const before = proxy.seen.length;
    const runner = runnerWith({ environment: { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } });
    expect(await runner.run(httpContext(httpJob({ url: `${plain.url}/direct` })))).toMatchObject({ ok: true });
    expect(proxy.seen.slice(before)).toEqual([]);
    expect(plain.requests.at(-1)!.url).toBe('/direct');
  });

  it('a proxy that is down is a transient failure naming the target and the proxy', async () => {
    const gone = await startProxy();
    await gone.close();
    const outcome = await runnerWith().run(httpContext(httpJob({ url: `${plain.url}/x`, proxy: gone.url })));
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.error).toMatch(new RegExp(`^No answer from 127\\.0\\.0\\.1:${plain.port} through proxy ${gone.url}: .*ECONNREFUSED`));
  });
});

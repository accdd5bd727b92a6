/**
 * Credentials of HTTP jobs stay out of everything Batchlight writes: the run rows, the output
 * files, the log file and the database, even when the API echoes them back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpRunner } from '../../src-main/engine/runners/http-runner.ts';
import { createHostLogger } from '../../src-main/logging.ts';
import { makeEngine, scheduleSpec, tempDir, waitForEnd } from '../helpers/engine-harness.ts';
import { startProxy } from '../fixtures/http/proxy.ts';
import { json, startServer, type TestServer } from '../fixtures/http/server.ts';

const SECRETS = {
  token: 'tok-http-5f1e2d3c4b5a',
  password: 'basic-pw-0a9b8c7d',
  basicEncoded: Buffer.from('svc:basic-pw-0a9b8c7d').toString('base64'),
  apiKey: 'qkey-77e1c0ffee',
  header: 'hdr-sig-31415926',
  parameter: 'param-pin-27182818',
  urlKey: 'typed-key-6a2b9d04',
};

let server: TestServer;
beforeAll(async () => {
  // Echoes the request back, as a careless API (or a debugging endpoint) would. Successful answers
  // are padded past 4 KB so that their output goes to files; the failing one stays small, so its
  // output lives only in its run row.
  server = await startServer((req, res) => {
    const echo = { url: req.url, headers: req.headers, body: req.body };
    if (req.url.startsWith('/fail')) json(res, 500, echo);
    else json(res, 200, { padding: 'p'.repeat(5000), ...echo });
  });
});
afterAll(() => server.close());

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

describe('http runner: redaction', () => {
  it('no credential appears in the run rows, output files, log file or database', async () => {
    const dataDir = tempDir();
    const holder = { redact: (text: string) => text };
    const logger = createHostLogger({ logsDir: path.join(dataDir, 'logs'), redact: (t) => holder.redact(t), level: 'debug' });
    const runner = createHttpRunner({ environment: {} });
    const engine = makeEngine({ dataDir, logger, runners: [runner] });
    holder.redact = (text) => engine.store.redactor.redact(text);
    const parameters = [{ name: 'Pin', type: 'string', value: SECRETS.parameter, secret: true }];
    const body = '{"pin":"{Pin}"}';
    const jobs = {
      bearer: { url: `${server.url}/ok`, method: 'POST', body, auth: { type: 'bearer', token: SECRETS.token } },
      basic: { url: `${server.url}/fail`, auth: { type: 'basic', username: 'svc', password: SECRETS.password } },
      query: {
        url: `${server.url}/ok?pin={Pin}`,
        headers: { 'X-Signature': SECRETS.header },
        secretHeaders: ['X-Signature'],
        auth: { type: 'apiKey', name: 'key', value: SECRETS.apiKey, in: 'query' },
      },
      // A key typed straight into the URL, not given as `auth`: encrypted at rest all the same.
      typed: { url: `${server.url}/ok?api_key=${SECRETS.urlKey}&page=2` },
    };
    for (const [name, job] of Object.entries(jobs)) {
      engine.saveSchedule(scheduleSpec({ name, parameters, job: { type: 'http', ...job } }));
    }
    await engine.start();
    const runs = [];
    for (const name of Object.keys(jobs)) runs.push(await waitForEnd(engine, engine.trigger(name).id));
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'failed', 'succeeded', 'succeeded']);
    // The echo really carried the credentials back: what is checked below was at risk.
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${SECRETS.token}`);
    expect(runs[1]!.errorDetail).toContain('"authorization":"Basic ***"');
    const output = (await engine.readOutput(runs[2]!.id, 'stdout')).text;
    expect(output).toContain(`> GET ${server.url}/ok?pin=***&key=*** HTTP/1.1`);
    expect(output).toContain('> X-Signature: ***');
    expect(server.requests[3]!.url).toBe(`/ok?api_key=${SECRETS.urlKey}&page=2`);
    expect((await engine.readOutput(runs[3]!.id, 'stdout')).text).toContain(`> GET ${server.url}/ok?api_key=***&page=2 HTTP/1.1`);
    await runner.close();
    await engine.stop({ graceMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const rows = JSON.stringify(runs);
    const files = filesUnder(dataDir).filter((f) => !f.endsWith('secret.key'));
    expect(files.filter((f) => f.endsWith('.stdout.log'))).toHaveLength(3);
    // The rows' tails hold the echoed (masked) credentials, so checking the rows below means something.
    expect(runs.every((r) => r.stdoutTail?.includes('***'))).toBe(true);
    expect(files.some((f) => f.endsWith('batchlight.log'))).toBe(true);
    for (const [kind, secret] of Object.entries(SECRETS)) {
      expect(rows.includes(secret), `${kind} found in a run row`).toBe(false);
      for (const file of files) {
        const bytes = fs.readFileSync(file).toString('latin1');
        expect(bytes.includes(secret), `${kind} found in ${path.relative(dataDir, file)}`).toBe(false);
      }
    }
  });

  it('a proxy URL with a password is sealed at rest, exported as <secret>, kept on re-import, and still reaches the proxy', async () => {
    const proxy = await startProxy();
    const dataDir = tempDir();
    const runner = createHttpRunner({ environment: {} });
    const engine = makeEngine({ dataDir, runners: [runner] });
    // Percent-encoded, as a password with an `@` must be in a URL; the proxy gets it decoded.
    const proxyUrl = proxy.url.replace('http://', 'http://svc:Pr0xy%40pw-8642@');
    engine.saveSchedule(scheduleSpec({ name: 'proxied', job: { type: 'http', url: `${server.url}/ok`, proxy: proxyUrl } }));
    await engine.start();
    const run = await waitForEnd(engine, engine.trigger('proxied').id);
    expect(run.status).toBe('succeeded');
    expect(proxy.authorizations).toEqual([`Basic ${Buffer.from('svc:Pr0xy@pw-8642').toString('base64')}`]);

    const exported = engine.exportFile();
    expect(exported.schedules[0]!.job).toMatchObject({ proxy: '<secret>' });
    engine.importFile(exported);
    expect(engine.getSchedule('proxied').job).toMatchObject({ proxy: proxyUrl });
    await runner.close();
    await engine.stop({ graceMs: 0 });
    await proxy.close();
    for (const file of filesUnder(dataDir).filter((f) => !f.endsWith('secret.key'))) {
      const bytes = fs.readFileSync(file).toString('latin1');
      for (const form of ['Pr0xy%40pw-8642', 'Pr0xy@pw-8642']) expect(bytes.includes(form), `${form} found in ${path.relative(dataDir, file)}`).toBe(false);
    }
  });
});

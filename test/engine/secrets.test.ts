import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScheduleFileText } from '../../src-main/engine/config/validate.ts';
import { createEngine } from '../../src-main/engine/engine.ts';
import { createHostLogger } from '../../src-main/logging.ts';
import { makeEngine, nodeJob, onCleanup, scheduleSpec, tempDir, waitForEnd } from '../helpers/engine-harness.ts';

const SECRETS = {
  token: 'tok-7f3e9a1c55d2b8e4',
  basic: 'basic-pw-91ce42aa',
  apiKey: 'apikey-0d8c1f7b2e',
  header: 'hdr-secret-5a6b7c8d',
  param: 'param-secret-a1b2c3d4',
  connection: 'Conn-P@ssw0rd-33ee',
  smtp: 'smtp-pw-77aa88bb',
  urlKey: 'urlkey-4c5d6e7f',
};

const file = {
  schedules: [
    {
      name: 'echo-secret',
      cron: '0 0 1 1 *',
      job: {
        type: 'process',
        executablePath: process.execPath,
        arguments: ['-e', 'console.log("arg=" + process.argv[1]); console.error("env=" + process.env.DB_PASSWORD)', '{Pin}'],
        environment: { DB_PASSWORD: '{Pin}' },
      },
      parameters: [{ name: 'Pin', type: 'string', value: SECRETS.param, secret: true }],
    },
    {
      name: 'api-bearer',
      cron: '0 0 1 1 *',
      job: { type: 'http', url: 'https://api.example.com/v1', method: 'GET', auth: { type: 'bearer', token: SECRETS.token }, headers: { 'X-Secret-Header': SECRETS.header }, secretHeaders: ['X-Secret-Header'] },
    },
    { name: 'api-basic', cron: '0 0 1 1 *', job: { type: 'http', url: 'https://api.example.com/v1', method: 'GET', auth: { type: 'basic', username: 'svc', password: SECRETS.basic } } },
    { name: 'api-key', cron: '0 0 1 1 *', job: { type: 'http', url: 'https://api.example.com/v1', method: 'GET', auth: { type: 'apiKey', name: 'X-API-Key', value: SECRETS.apiKey, in: 'header' } } },
    { name: 'api-url-key', cron: '0 0 1 1 *', job: { type: 'http', url: `https://api.example.com/v1?api_key=${SECRETS.urlKey}&day={CurrentDate}`, method: 'GET' } },
  ],
  connections: [{ name: 'reporting', type: 'sqlserver', connectionString: `Server=db01;Database=Reports;User Id=batch;Password=${SECRETS.connection};` }],
  settings: { smtp: { host: 'mail.corp', port: 587, secure: 'starttls', user: 'batch', password: SECRETS.smtp, from: 'batchlight@corp' } },
};

function loadFile() {
  const result = parseScheduleFileText(JSON.stringify(file));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

describe('secrets stay secret', () => {
  it('no secret appears in the raw database, the run row, the output files or the log file', async () => {
    const dataDir = tempDir();
    const holder = { redact: (t: string) => t };
    const logger = createHostLogger({ logsDir: path.join(dataDir, 'logs'), redact: (t) => holder.redact(t), level: 'debug' });
    const engine = makeEngine({ dataDir, logger });
    holder.redact = (t) => engine.store.redactor.redact(t);
    engine.importFile(loadFile());
    await engine.start();
    const run = await waitForEnd(engine, engine.trigger('echo-secret').id);
    expect(run.status).toBe('succeeded');
    expect(run.stdoutTail).toContain('arg=***');
    expect(run.stderrTail).toContain('env=***');
    logger.info(`a careless message with ${SECRETS.token} and Password=${SECRETS.connection};`);
    await engine.stop({ graceMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const everything = filesUnder(dataDir).filter((f) => !f.endsWith('secret.key'));
    expect(everything.some((f) => f.endsWith('.log'))).toBe(true);
    expect(everything.some((f) => f.includes('batchlight.db'))).toBe(true);
    for (const f of everything) {
      const bytes = fs.readFileSync(f).toString('latin1');
      for (const [kind, secret] of Object.entries(SECRETS)) {
        expect(bytes.includes(secret), `${kind} secret found in ${path.relative(dataDir, f)}`).toBe(false);
      }
    }
  });

  it('a secret parameter given with "run now", or built from placeholders, is hidden like a stored one', async () => {
    const override = 'override-secret-6d1e9f';
    const dataDir = tempDir();
    const holder = { redact: (t: string) => t };
    const logger = createHostLogger({ logsDir: path.join(dataDir, 'logs'), redact: (t) => holder.redact(t), level: 'debug' });
    const engine = makeEngine({ dataDir, logger });
    holder.redact = (t) => engine.store.redactor.redact(t);
    const api = http.createServer((_req, res) => res.writeHead(404).end('not here'));
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => api.close(() => resolve())));
    const parameters = [
      { name: 'Pin', type: 'string', value: SECRETS.param, secret: true },
      { name: 'Stamp', type: 'string', value: 'stamp-{RunId}', secret: true },
    ];
    const parsed = parseScheduleFileText(JSON.stringify({
      schedules: [
        { ...file.schedules[0], name: 'echo-own', parameters, job: { ...file.schedules[0]!.job, arguments: ['-e', 'console.log("arg=" + process.argv[1] + " " + process.argv[2]); console.error("env=" + process.env.DB_PASSWORD)', '{Pin}', '{Stamp}'] } },
        { name: 'api-path', cron: '0 0 1 1 *', parameters, job: { type: 'http', url: `http://127.0.0.1:${(api.address() as AddressInfo).port}/items/{Pin}/{Stamp}`, method: 'GET' } },
      ],
    }));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    engine.importFile(parsed.value);
    await engine.start();

    const echoed = await waitForEnd(engine, engine.trigger('echo-own', { parameters: { Pin: override } }).id);
    expect(echoed.status).toBe('succeeded');
    expect(echoed.stdoutTail?.trim()).toBe('arg=*** ***');
    expect(echoed.stderrTail?.trim()).toBe('env=***');
    const called = await waitForEnd(engine, engine.trigger('api-path', { parameters: { Pin: override } }).id);
    expect(called.status).toBe('failed');
    expect(called.error).toMatch(/404/);
    expect(called.stdoutTail).toContain('/items/***/***');
    await engine.stop({ graceMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const stamps = [echoed.id, called.id].map((id) => `stamp-${id}`);
    const log = filesUnder(dataDir).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(f, 'utf8')).join('');
    expect(log).toContain('/items/***/***');
    for (const f of filesUnder(dataDir).filter((f) => !f.endsWith('secret.key'))) {
      const bytes = fs.readFileSync(f).toString('latin1');
      for (const secret of [override, ...stamps]) expect(bytes.includes(secret), `${secret} found in ${path.relative(dataDir, f)}`).toBe(false);
    }
  });

  it('a secret field built from placeholders (an environment variable named like a token) is hidden as the run fills it in', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({
      name: 'env-token',
      job: nodeJob('', { arguments: ['-e', 'console.log("using " + process.env.API_TOKEN)'], environment: { API_TOKEN: 'tk-{Attempt}-9f8e7d6c5b4a-{RunId}' } }),
    }));
    const run = await waitForEnd(engine, engine.trigger('env-token').id);
    expect(run.status).toBe('succeeded');
    expect(run.stdoutTail?.trim()).toBe('using ***');
  });

  it('export leaves every secret out, and re-importing the export keeps the stored values', () => {
    const dataDir = tempDir();
    const engine = makeEngine({ dataDir });
    engine.importFile(loadFile());
    const exported = JSON.stringify(engine.exportFile());
    for (const secret of Object.values(SECRETS)) expect(exported).not.toContain(secret);
    expect(exported).toContain('<secret>');

    const reread = parseScheduleFileText(exported);
    if (!reread.ok) throw new Error(JSON.stringify(reread.problems));
    engine.importFile(reread.value);
    const job = engine.getSchedule('api-bearer').job;
    expect(job.type === 'http' && job.auth?.type === 'bearer' ? job.auth.token : '').toBe(SECRETS.token);
    expect(engine.getSchedule('api-url-key').job).toMatchObject({ url: `https://api.example.com/v1?api_key=${SECRETS.urlKey}&day={CurrentDate}` });
    expect(engine.store.connections.get('reporting')?.connectionString).toContain(SECRETS.connection);
  });

  it('importing <secret> for a value that was never stored is refused and changes nothing', () => {
    const engine = makeEngine();
    const fresh = JSON.parse(JSON.stringify(file)) as typeof file;
    fresh.connections[0]!.connectionString = '<secret>';
    const parsed = parseScheduleFileText(JSON.stringify(fresh));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(() => engine.importFile(parsed.value)).toThrow(/connectionString/);
    expect(engine.listSchedules()).toHaveLength(0);
  });

  it('secrets read back from another engine on the same folder decrypt with the stored key', () => {
    const dataDir = tempDir();
    const first = createEngine({ dataDir });
    first.importFile(loadFile());
    first.stop();
    const second = makeEngine({ dataDir });
    const job = second.getSchedule('api-basic').job;
    expect(job.type === 'http' && job.auth?.type === 'basic' ? job.auth.password : '').toBe(SECRETS.basic);
  });
});

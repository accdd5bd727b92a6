import { describe, expect, it } from 'vitest';
import {
  collectConnectionSecrets,
  collectSecretValues,
  collectSettingsSecrets,
  isSecretHeaderName,
  keepStoredSecrets,
  mapConnectionSecrets,
  mapSecrets,
  mapSettingsSecrets,
  SECRET_PLACEHOLDER,
} from '../../src-main/engine/config/secret-fields.ts';
import { validateSchedule, validateScheduleFile } from '../../src-main/engine/config/validate.ts';
import type { ScheduleSpec } from '../../src-main/engine/types.ts';

function spec(input: Record<string, unknown>): ScheduleSpec {
  const result = validateSchedule({ name: 's', cron: '@daily', ...input });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

const httpSpec = spec({
  job: {
    type: 'http',
    url: 'https://api.example/x',
    headers: { Authorization: 'Bearer h1', 'X-API-Key': 'k1', 'X-Refresh-Token': 't1', 'X-Tenant': 'acme', 'X-Custom': 'c1' },
    secretHeaders: ['x-custom'],
    auth: { type: 'basic', username: 'svc', password: 'pw1' },
  },
  parameters: [
    { name: 'Pin', type: 'string', value: 'p1', secret: true, default: 'd1' },
    { name: 'Day', type: 'date', value: '2025-01-01' },
  ],
});

describe('secret fields', () => {
  it('collects every secret value of an http schedule and nothing else', () => {
    expect(collectSecretValues(httpSpec).sort()).toEqual(['Bearer h1', 'c1', 'd1', 'k1', 'p1', 'pw1', 't1']);
  });

  it('maps each secret with its path and leaves other fields alone', () => {
    const paths: string[] = [];
    const mapped = mapSecrets(httpSpec, (value, path) => {
      paths.push(path);
      return `enc(${value})`;
    });
    expect(paths.sort()).toEqual([
      'job.auth.password',
      'job.headers.Authorization',
      'job.headers["X-API-Key"]',
      'job.headers["X-Custom"]',
      'job.headers["X-Refresh-Token"]',
      'parameters.Pin.default',
      'parameters.Pin.value',
    ]);
    expect(mapped.job).toMatchObject({ headers: { 'X-Tenant': 'acme', 'X-API-Key': 'enc(k1)' }, auth: { username: 'svc', password: 'enc(pw1)' } });
    expect(mapped.parameters[1]).toBe(httpSpec.parameters[1]);
    expect(httpSpec.job).toMatchObject({ auth: { password: 'pw1' } });
  });

  it('bearer tokens, api key values and credential-like environment variables are secrets', () => {
    const bearer = spec({ job: { type: 'http', url: 'https://x.example', auth: { type: 'bearer', token: 'tok' } } });
    const apiKey = spec({ job: { type: 'http', url: 'https://x.example', auth: { type: 'apiKey', name: 'key', value: 'kv', in: 'query' } } });
    const process = spec({ job: { type: 'process', executablePath: 'x', environment: { DB_PASSWORD: 'envpw', MODE: 'prod' } } });
    expect([...collectSecretValues(bearer), ...collectSecretValues(apiKey), ...collectSecretValues(process)]).toEqual(['tok', 'kv', 'envpw']);
  });

  it('a connection string and the smtp password are secrets, as are webhook URLs and auth headers', () => {
    const file = validateScheduleFile({
      connections: [{ name: 'db', connectionString: 'Server=a;Password=x;' }],
      settings: {
        smtp: { host: 'mail', from: 'a@b', user: 'u', password: 'smtp-pw' },
        webhooks: [{ name: 'ops', url: 'https://hooks.example', headers: { Authorization: 'wh-token', Accept: 'x' } }],
      },
    });
    if (!file.ok) throw new Error(JSON.stringify(file.problems));
    const [connection] = file.value.connections;
    if (!connection) throw new Error('no connection');
    expect(collectConnectionSecrets(connection)).toEqual(['Server=a;Password=x;']);
    expect(mapConnectionSecrets(connection, () => 'x').connectionString).toBe('x');
    expect(collectSettingsSecrets(file.value.settings).sort()).toEqual(['https://hooks.example', 'smtp-pw', 'wh-token']);
    const hidden = mapSettingsSecrets(file.value.settings, () => SECRET_PLACEHOLDER).webhooks?.[0];
    expect(hidden).toMatchObject({ name: 'ops', url: SECRET_PLACEHOLDER, headers: { Authorization: SECRET_PLACEHOLDER, Accept: 'x' } });
    const exported = validateScheduleFile({ settings: { webhooks: [hidden] } });
    expect(exported.ok).toBe(true);
  });

  it('a sql job has no secret fields of its own (its connection is named)', () => {
    expect(collectSecretValues(spec({ job: { type: 'sql', connection: 'db', procedure: 'p' } }))).toEqual([]);
  });

  it('an export with placeholders, imported again, keeps the stored secrets', () => {
    const exported = mapSecrets(httpSpec, () => SECRET_PLACEHOLDER);
    expect(collectSecretValues(exported)).toEqual([]);
    const reimported = validateSchedule(exported);
    if (!reimported.ok) throw new Error(JSON.stringify(reimported.problems));
    const { value, missing } = keepStoredSecrets(mapSecrets, reimported.value, httpSpec);
    expect(missing).toEqual([]);
    expect(value).toEqual(httpSpec);
  });

  it('a placeholder with nothing stored is reported as missing', () => {
    const exported = mapSecrets(httpSpec, () => SECRET_PLACEHOLDER);
    expect(keepStoredSecrets(mapSecrets, exported, undefined).missing).toContain('job.auth.password');
  });

  it('credentials typed into the URL query are secrets; the rest of the URL stays as written', () => {
    const url = 'https://api.example/x?date={CurrentDate}&api_key=k2&page=2&Signature=s%2B1&key=a1&key=b2&token=#part';
    const typed = spec({ job: { type: 'http', url } });
    const paths: string[] = [];
    const sealed = mapSecrets(typed, (value, path) => (paths.push(path), `enc(${value})`));
    expect(paths).toEqual(['job.url.api_key', 'job.url.Signature', 'job.url.key', 'job.url.key[2]']);
    expect(sealed.job).toMatchObject({
      url: 'https://api.example/x?date={CurrentDate}&api_key=enc(k2)&page=2&Signature=enc(s%2B1)&key=enc(a1)&key=enc(b2)&token=#part',
    });
    expect(mapSecrets(sealed, (value) => value.slice(4, -1)).job).toMatchObject({ url });
    expect(collectSecretValues(typed).sort()).toEqual(['a1', 'b2', 'k2', 's%2B1']);
    expect(collectSecretValues(spec({ job: { type: 'http', url: 'https://api.example/x?api%5Fkey=k3&q=token' } }))).toEqual(['k3']);
  });

  it('an export hides a URL credential, and importing the export keeps the stored one', () => {
    const typed = spec({ job: { type: 'http', url: 'https://api.example/x?access_token=t9&day=1' } });
    const exported = mapSecrets(typed, () => SECRET_PLACEHOLDER);
    expect(exported.job).toMatchObject({ url: 'https://api.example/x?access_token=<secret>&day=1' });
    const reimported = validateSchedule({ ...exported, job: { ...exported.job, url: 'https://api.example/y?access_token=<secret>&day=2' } });
    if (!reimported.ok) throw new Error(JSON.stringify(reimported.problems));
    const { value, missing } = keepStoredSecrets(mapSecrets, reimported.value, typed);
    expect(missing).toEqual([]);
    expect(value.job).toMatchObject({ url: 'https://api.example/y?access_token=t9&day=2' });
  });

  it('a message about a URL holding a credential does not show it', () => {
    const result = validateSchedule({ name: 's', cron: '@daily', job: { type: 'http', url: 'ftp://files.example/?apikey=k4' } });
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result.ok ? [] : result.problems);
    expect(text).toContain('job.url');
    expect(text).not.toContain('k4');
  });

  it.each([
    ['Authorization', true],
    ['proxy-authorization', true],
    ['X-Api-Key', true],
    ['X-Session-Token', true],
    ['Client-Secret', true],
    ['Cookie', true],
    ['Accept', false],
    ['Content-Type', false],
  ])('header %s is secret: %s', (name, secret) => {
    expect(isSecretHeaderName(name)).toBe(secret);
  });
});

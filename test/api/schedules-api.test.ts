import { describe, expect, it } from 'vitest';
import type { ConnectionView, ScheduleView, ValidateResult } from '../../src-main/api/contract.ts';
import type { EngineState } from '../../src-main/engine/events.ts';
import { readNotifySettings } from '../../src-main/engine/notify/notify-settings.ts';
import { echoSpec, startApi } from './api-harness.ts';

const bearerSpec = (token: string) => ({
  name: 'ping-api',
  cron: '*/5 * * * *',
  timezone: 'UTC',
  job: { type: 'http', url: 'https://example.com/ping', auth: { type: 'bearer', token } },
});

describe('schedules over the HTTP API', () => {
  it('creates, lists, pauses, disables and deletes a schedule', async () => {
    const api = await startApi();
    const created = await api.value<ScheduleView>('createSchedule', { spec: echoSpec('nightly', 'console.log(1)', { cron: '0 2 * * *' }) });
    expect(created).toMatchObject({ spec: { name: 'nightly', cron: '0 2 * * *' }, paused: false, lastRun: null });
    expect(created.nextRunAt).toBeGreaterThan(Date.now());
    expect((await api.value<ScheduleView[]>('listSchedules')).map((s) => s.spec.name)).toEqual(['nightly']);
    expect((await api.value<ScheduleView>('setPaused', { name: 'nightly', paused: true })).paused).toBe(true);
    const disabled = await api.value<ScheduleView>('setEnabled', { name: 'nightly', enabled: false });
    expect(disabled.spec.enabled).toBe(false);
    expect(disabled.nextRunAt).toBeNull();
    const updated = await api.value<ScheduleView>('updateSchedule', { name: 'nightly', spec: { ...echoSpec('nightly', 'console.log(2)'), description: 'changed' } });
    expect(updated.spec.description).toBe('changed');
    expect((await api.call('deleteSchedule', { name: 'nightly' })).body).toEqual({ ok: true });
    const gone = await api.call('getSchedule', { name: 'nightly' });
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ ok: false, error: { message: "No schedule named 'nightly'" } });
  });

  it('refuses an invalid cron with 400 and a problem naming `cron`', async () => {
    const api = await startApi();
    const { status, body } = await api.call('createSchedule', { spec: echoSpec('bad', '', { cron: '61 * * * *' }) });
    expect(status).toBe(400);
    expect(body.error?.problems?.some((p) => p.path === 'spec.cron')).toBe(true);
    expect(await api.value('listSchedules')).toEqual([]);
  });

  it('refuses a second schedule with the same name, naming `spec.name`', async () => {
    const api = await startApi();
    await api.value('createSchedule', { spec: echoSpec('twice', '') });
    const { status, body } = await api.call('createSchedule', { spec: echoSpec('twice', '') });
    expect(status).toBe(400);
    expect(body.error?.problems?.[0]?.path).toBe('spec.name');
  });

  it('refuses badly shaped arguments with 400 naming the field', async () => {
    const api = await startApi();
    const wrongType = await api.call('getSchedule', { name: 5 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error?.problems?.[0]).toMatchObject({ path: 'name', message: expect.stringContaining('`name`') });
    const unknown = await api.call('setPaused', { name: 'x', pause: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.problems?.map((p) => p.path)).toEqual(expect.arrayContaining(['pause', 'paused']));
    expect((await api.call('getSchedule')).status).toBe(400);
    expect((await api.call('getSchedule', [1, 2])).status).toBe(400);
  });

  it('validateSchedule returns problems instead of failing, whatever it is given', async () => {
    const api = await startApi();
    const bad = await api.value<ValidateResult>('validateSchedule', { spec: echoSpec('v', '', { timeoutSeconds: -1 }) });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.map((p) => p.path)).toContain('timeoutSeconds');
    for (const args of [{ spec: 42 }, {}, null, 'text', { spec: {}, extra: 1 }]) {
      const { status, body } = await api.call<ValidateResult>('validateSchedule', args);
      expect(status).toBe(200);
      expect(body.value?.ok).toBe(false);
    }
    const good = await api.value<ValidateResult>('validateSchedule', { spec: echoSpec('v', '') });
    expect(good.ok && good.value.timezone).toBe('UTC');
  });

  it('shows every secret of a schedule as "<secret>" and keeps it when saved back as "<secret>"', async () => {
    const api = await startApi();
    const spec = bearerSpec('tok-SUPER-SECRET-1');
    const withKey = { ...spec, job: { ...spec.job, url: 'https://example.com/ping?api_key=url-SUPER-SECRET-2&day=1' } };
    const created = await api.call('createSchedule', { spec: withKey });
    expect(JSON.stringify(created.body)).not.toContain('SUPER-SECRET');
    const view = await api.value<ScheduleView>('getSchedule', { name: 'ping-api' });
    expect(view.spec.job).toMatchObject({ url: 'https://example.com/ping?api_key=<secret>&day=1', auth: { type: 'bearer', token: '<secret>' } });
    expect(JSON.stringify(await api.value('listSchedules'))).not.toContain('SUPER-SECRET');
    expect((await api.value<{ text: string }>('exportFile')).text).not.toContain('SUPER-SECRET');
    await api.value('updateSchedule', { name: 'ping-api', spec: { ...view.spec, description: 'edited' } });
    const stored = api.engine.getSchedule('ping-api');
    expect(stored.job).toMatchObject({ url: 'https://example.com/ping?api_key=url-SUPER-SECRET-2&day=1', auth: { token: 'tok-SUPER-SECRET-1' } });
    expect(stored.description).toBe('edited');
  });

  it('refuses to rename a schedule through updateSchedule', async () => {
    const api = await startApi();
    await api.value('createSchedule', { spec: echoSpec('old-name', '') });
    const { status, body } = await api.call('updateSchedule', { name: 'old-name', spec: echoSpec('new-name', '') });
    expect(status).toBe(400);
    expect(body.error?.problems?.[0]?.path).toBe('spec.name');
  });

  it('lists the next occurrences of a cron with its description in words', async () => {
    const api = await startApi();
    const next = await api.value<{ times: number[]; description: string }>('nextOccurrences', { cron: '30 2 * * 1-5', timezone: 'Europe/London', count: 3 });
    expect(next.times).toHaveLength(3);
    expect(next.times[0]).toBeGreaterThan(Date.now());
    expect(next.times[1]!).toBeGreaterThan(next.times[0]!);
    expect(next.description).toMatch(/02:30/);
    expect(next.description).toMatch(/Monday through Friday/);
    const tooMany = await api.call('nextOccurrences', { cron: '* * * * *', count: 51 });
    expect([tooMany.status, tooMany.body.error?.problems?.[0]?.path]).toEqual([400, 'count']);
    const badCron = await api.call('nextOccurrences', { cron: '61 * * * *' });
    expect([badCron.status, badCron.body.error?.problems?.[0]?.path]).toEqual([400, 'cron']);
    const badZone = await api.call('nextOccurrences', { cron: '* * * * *', timezone: 'Mars/Olympus' });
    expect([badZone.status, badZone.body.error?.problems?.[0]?.path]).toEqual([400, 'timezone']);
  });
});

describe('connections, settings, import and export over the HTTP API', () => {
  it('never returns a saved connection string, and keeps it when saved back as "<secret>"', async () => {
    const api = await startApi();
    const connection = { name: 'warehouse', type: 'postgres', connectionString: 'postgres://app:PW-SECRET-9@db.local/wh' };
    const saved = await api.call('saveConnection', { connection });
    expect(saved.body.value).toEqual({ name: 'warehouse', type: 'postgres', connectionStringSet: true });
    const listed = await api.call<ConnectionView[]>('listConnections');
    expect(listed.body.value).toEqual([{ name: 'warehouse', type: 'postgres', connectionStringSet: true }]);
    expect(JSON.stringify(listed.body)).not.toContain('PW-SECRET');
    await api.value('saveConnection', { connection: { ...connection, connectionString: '<secret>' } });
    expect(api.engine.store.connections.get('warehouse')?.connectionString).toBe(connection.connectionString);
  });

  it('refuses an invalid connection with 400 naming the field', async () => {
    const api = await startApi();
    const { status, body } = await api.call('saveConnection', { connection: { name: 'c', type: 'oracle', connectionString: 'x=y;' } });
    expect(status).toBe(400);
    expect(body.error?.problems?.map((p) => p.path)).toContain('connection.type');
    expect(await api.value('listConnections')).toEqual([]);
  });

  it('tests an unknown connection and says so without failing the call', async () => {
    const api = await startApi();
    const result = await api.value<{ ok: boolean; message: string }>('testConnection', { name: 'nowhere' });
    expect(result).toEqual({ ok: false, message: "No connection named 'nowhere'" });
  });

  it('saves settings, shows defaults, and hides the SMTP password and webhook URLs', async () => {
    const api = await startApi();
    const webhook = { name: 'ops', url: 'https://hooks.example.com/services/HOOK-SECRET-8', format: 'slack' };
    const settings = { smtp: { host: 'mail.local', from: 'ops@example.com', user: 'ops', password: 'SMTP-SECRET-7' }, webhooks: [webhook], concurrency: 3 };
    const saved = await api.call<Record<string, unknown>>('saveSettings', { settings });
    expect(JSON.stringify(saved.body)).not.toMatch(/SMTP-SECRET|HOOK-SECRET/);
    const shown = await api.value<Record<string, unknown>>('getSettings');
    expect(shown).toMatchObject({ concurrency: 3, graceSeconds: 30, smtp: { host: 'mail.local', password: '<secret>' }, webhooks: [{ name: 'ops', url: '<secret>' }] });
    await api.value('saveSettings', { settings: { smtp: { ...settings.smtp, password: '<secret>' }, webhooks: [{ ...webhook, url: '<secret>' }] } });
    expect(readNotifySettings(api.engine.store).webhooks).toMatchObject([webhook]);
    expect(api.engine.store.redactor.redact('SMTP-SECRET-7')).not.toContain('SMTP-SECRET-7');
    const invalid = await api.call('saveSettings', { settings: { concurrency: 0 } });
    expect([invalid.status, invalid.body.error?.problems?.[0]?.path]).toEqual([400, 'settings.concurrency']);
  });

  it('imports a schedule file, reports its problems, and exports it back', async () => {
    const api = await startApi();
    const text = JSON.stringify({ schedules: [echoSpec('imported', 'console.log(1)')] });
    expect(await api.value('importFile', { text })).toEqual({
      ok: true,
      summary: { created: ['imported'], updated: [], removed: [], connections: [], settings: [], warnings: [] },
    });
    const broken = await api.value<{ ok: boolean; problems: Array<{ message: string }> }>('importFile', { text: '{"schedules": [' });
    expect(broken.ok).toBe(false);
    expect(broken.problems[0]?.message).toMatch(/Invalid JSON at line 1/);
    const exported = JSON.parse((await api.value<{ text: string }>('exportFile')).text) as { schedules: Array<{ name: string }> };
    expect(exported.schedules.map((s) => s.name)).toEqual(['imported']);
  });

  it('reports the engine state and pauses everything', async () => {
    const api = await startApi();
    expect(await api.value<EngineState>('engineState')).toMatchObject({ serving: true, pausedAll: false });
    expect(await api.value<EngineState>('setPausedAll', { paused: true })).toMatchObject({ pausedAll: true });
    expect((await api.call('setPausedAll', { paused: 'yes' })).status).toBe(400);
  });
});

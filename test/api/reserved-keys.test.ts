/**
 * `__proto__`, `constructor` and `prototype` cannot be names in the API's objects with keys the
 * user chooses (run-now parameters, environment, headers, settings). JSON.parse makes
 * `__proto__` an own key that validation used to drop without a word; now the call is refused
 * with 400 naming the key, and nothing is recorded.
 */
import { describe, expect, it } from 'vitest';
import { echoSpec, startApi, TOKEN, type ApiFixture } from './api-harness.ts';

type Answer = { ok: boolean; error?: { message: string; problems?: Array<{ path: string; message: string }> }; value?: unknown };

/** POSTs `body` exactly as written, so that `"__proto__"` reaches the server as an own key. */
async function post(api: ApiFixture, method: string, body: string): Promise<{ status: number; answer: Answer }> {
  const response = await api.raw({
    method: 'POST',
    path: `/api/${method}`,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, answer: JSON.parse(response.body) as Answer };
}

describe('reserved names in the API’s keyed objects', () => {
  it('a run-now parameter named __proto__ is refused with 400 naming parameters.__proto__, and no run is recorded', async () => {
    const api = await startApi();
    await api.value('createSchedule', { spec: echoSpec('p', '', { parameters: [{ name: 'Day', type: 'string', value: 'Mon' }] }) });
    const { status, answer } = await post(api, 'trigger', '{"name": "p", "parameters": {"__proto__": "x", "Day": "Tue"}}');
    expect(status).toBe(400);
    expect(answer.error?.problems).toEqual([
      { path: 'parameters.__proto__', message: 'Invalid name `__proto__` (string) in `parameters`; expected a name other than __proto__, constructor or prototype' },
    ]);
    expect(api.engine.listRuns({})).toEqual([]);
  });

  it('run-now parameters named constructor or prototype are refused too', async () => {
    const api = await startApi();
    await api.value('createSchedule', { spec: echoSpec('p', '') });
    const { status, answer } = await post(api, 'trigger', '{"name": "p", "parameters": {"constructor": "x", "prototype": "y"}}');
    expect([status, answer.error?.problems?.map((p) => p.path)]).toEqual([400, ['parameters.constructor', 'parameters.prototype']]);
    expect(api.engine.listRuns({})).toEqual([]);
  });

  it('a schedule whose headers or environment hold __proto__ is refused and not created', async () => {
    const api = await startApi();
    const http = '{"spec": {"name": "web", "cron": "@daily", "job": {"type": "http", "url": "https://example.com/", "headers": {"__proto__": "x"}}}}';
    const env = '{"spec": {"name": "proc", "cron": "@daily", "job": {"type": "process", "executablePath": "node", "environment": {"__proto__": "x"}}}}';
    const refusedHttp = await post(api, 'createSchedule', http);
    const refusedEnv = await post(api, 'createSchedule', env);
    expect([refusedHttp.status, refusedHttp.answer.error?.problems?.map((p) => p.path)]).toEqual([400, ['spec.job.headers.__proto__']]);
    expect([refusedEnv.status, refusedEnv.answer.error?.problems?.map((p) => p.path)]).toEqual([400, ['spec.job.environment.__proto__']]);
    expect(api.engine.listSchedules()).toEqual([]);
  });

  it('a schedule parameter named constructor is refused (run now could not set it)', async () => {
    const api = await startApi();
    const { status, body } = await api.call('createSchedule', { spec: echoSpec('p', '', { parameters: [{ name: 'constructor', type: 'string', value: 'x' }] }) });
    expect([status, body.error?.problems?.map((p) => p.path)]).toEqual([400, ['spec.parameters[0].name']]);
    expect(api.engine.listSchedules()).toEqual([]);
  });

  it('settings whose webhook headers hold __proto__ are refused and nothing is saved', async () => {
    const api = await startApi();
    const before = await api.value('getSettings');
    const body = '{"settings": {"webhooks": [{"name": "w", "url": "https://hooks.example.com/x", "headers": {"__proto__": "x"}}]}}';
    const { status, answer } = await post(api, 'saveSettings', body);
    expect([status, answer.error?.problems?.map((p) => p.path)]).toEqual([400, ['settings.webhooks[0].headers.__proto__']]);
    expect(await api.value('getSettings')).toEqual(before);
  });

  it('an imported file whose environment holds __proto__ is refused and nothing is imported', async () => {
    const api = await startApi();
    const text = '{"schedules": [{"name": "proc", "cron": "@daily", "job": {"type": "process", "executablePath": "node", "environment": {"__proto__": "x"}}}]}';
    const result = await api.value<{ ok: boolean; problems?: Array<{ path: string }> }>('importFile', { text });
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'schedules[0] "proc" › job.environment.__proto__' }] });
    expect(api.engine.listSchedules()).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { OutputChunk, RunPage } from '../../src-main/api/contract.ts';
import type { Run } from '../../src-main/engine/types.ts';
import { waitForEnd } from '../helpers/engine-harness.ts';
import { echoSpec, startApi } from './api-harness.ts';

const LONG = 'setInterval(() => {}, 1000)';

describe('runs over the HTTP API and the event stream', () => {
  it('triggers a run and streams run.started, its output and run.finished over SSE', async () => {
    const api = await startApi();
    const events = await api.events();
    await events.waitFor((e) => e.event === 'engine.state', 'the initial engine.state');
    await api.value('createSchedule', { spec: echoSpec('hello', 'console.log("hello from the job"); setTimeout(() => {}, 400)') });
    const run = await api.value<Run>('trigger', { name: 'hello' });
    expect(run).toMatchObject({ scheduleName: 'hello', trigger: 'manual', triggeredBy: 'ui' });
    const mine = (name: string) => (e: { event: string; data: unknown }) => e.event === name && (e.data as { id: string }).id === run.id;
    await events.waitFor(mine('run.started'), 'run.started');
    const output = await events.waitFor(mine('run.output'), 'run.output');
    expect(output.data).toMatchObject({ stream: 'stdout', text: 'hello from the job\n', offset: 0 });
    const finished = await events.waitFor(mine('run.finished'), 'run.finished');
    expect(finished.data).toMatchObject({ status: 'succeeded' });
    expect(events.received.some((e) => e.event === 'schedule.changed')).toBe(true);
    const shown = await api.value<{ run: Run; chain: Run[] }>('getRun', { id: run.id });
    expect(shown.run.status).toBe('succeeded');
    expect(shown.chain.map((r) => r.id)).toEqual([run.id]);
    const chunk = await api.value<OutputChunk>('readOutput', { id: run.id, stream: 'stdout', offset: 6, length: 4 });
    expect(chunk).toMatchObject({ text: 'from', offset: 6, nextOffset: 10, totalBytes: 19 });
  });

  it('sends a ping comment to keep the event stream open', async () => {
    const api = await startApi();
    const events = await api.events();
    await events.waitFor((e) => e.event === ':' && e.data === 'ping', 'a ping');
  });

  it('obeys the overlap policy (a second trigger is skipped) and cancels a running run', async () => {
    const api = await startApi();
    await api.value('createSchedule', { spec: echoSpec('long', LONG) });
    const first = await api.value<Run>('trigger', { name: 'long', timeoutSeconds: 60 });
    expect(first.timeoutSeconds).toBe(60);
    const second = await api.value<Run>('trigger', { name: 'long' });
    expect(second.status).toBe('skipped');
    await api.value('cancelRun', { id: first.id });
    expect((await waitForEnd(api.engine, first.id)).status).toBe('cancelled');
  });

  it('shows trigger-time overrides of secret parameters as "<secret>" in every run view', async () => {
    const api = await startApi();
    const parameters = [{ name: 'Pwd', type: 'string', value: 'stored', secret: true }, { name: 'Day', type: 'string', value: 'Mon' }];
    await api.value('createSchedule', { spec: echoSpec('with-params', '', { parameters }) });
    const events = await api.events();
    const run = await api.value<Run>('trigger', { name: 'with-params', parameters: { Pwd: 'OVERRIDE-SECRET-3', Day: 'Tue' } });
    expect(run.parameterOverrides).toEqual({ Pwd: '<secret>', Day: 'Tue' });
    await waitForEnd(api.engine, run.id);
    expect((await api.value<{ run: Run }>('getRun', { id: run.id })).run.parameterOverrides).toEqual({ Pwd: '<secret>', Day: 'Tue' });
    await events.waitFor((e) => e.event === 'run.finished', 'run.finished');
    expect(JSON.stringify(events.received)).not.toContain('OVERRIDE-SECRET');
    expect(JSON.stringify(await api.value('listRuns', {}))).not.toContain('OVERRIDE-SECRET');
  });

  it('refuses a trigger-time value for a parameter the schedule does not have (400 naming it) and records no run', async () => {
    const api = await startApi();
    await api.value('createSchedule', { spec: echoSpec('with-day', '', { parameters: [{ name: 'Day', type: 'string', value: 'Mon' }] }) });
    const typo = await api.call('trigger', { name: 'with-day', parameters: { Dya: 'Tue', CurrentDate: '2026-01-31' } });
    expect(typo.status).toBe(400);
    expect(typo.body.error?.problems).toEqual([
      { path: 'parameters.Dya', message: "Schedule 'with-day' has no parameter 'Dya' (its parameters are Day); a run-now value may also replace CurrentDate, CurrentDateTime, ScheduledTime" },
    ]);
    expect((await api.value<RunPage>('listRuns', { schedule: 'with-day' })).runs).toEqual([]);
  });

  it('pages run history newest first with a `next` cursor', async () => {
    const api = await startApi();
    await api.value('createSchedule', { spec: echoSpec('quick', '', { overlap: 'parallel', maxParallel: 5 }) });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await api.value<Run>('trigger', { name: 'quick' })).id);
    for (const id of ids) await waitForEnd(api.engine, id);
    const first = await api.value<RunPage>('listRuns', { schedule: 'quick', limit: 2 });
    expect(first.runs).toHaveLength(2);
    expect(first.next).toEqual({ createdAt: first.runs[1]!.createdAt, id: first.runs[1]!.id });
    const second = await api.value<RunPage>('listRuns', { schedule: 'quick', limit: 2, before: first.next });
    expect(second.runs).toHaveLength(1);
    expect(second.next).toBeNull();
    expect(new Set([...first.runs, ...second.runs].map((r) => r.id))).toEqual(new Set(ids));
    const succeeded = await api.value<RunPage>('listRuns', { statuses: ['succeeded'] });
    expect(succeeded.runs).toHaveLength(3);
  });

  it('refuses bad run arguments with 400 naming the field, and unknown runs with a message', async () => {
    const api = await startApi();
    const badStatus = await api.call('listRuns', { statuses: ['nope'] });
    expect([badStatus.status, badStatus.body.error?.problems?.[0]?.path]).toEqual([400, 'statuses[0]']);
    const badStream = await api.call('readOutput', { id: 'x', stream: 'stdin' });
    expect([badStream.status, badStream.body.error?.problems?.[0]?.path]).toEqual([400, 'stream']);
    const badTimeout = await api.call('trigger', { name: 'x', timeoutSeconds: -1 });
    expect([badTimeout.status, badTimeout.body.error?.problems?.[0]?.path]).toEqual([400, 'timeoutSeconds']);
    const pastLimit = await api.call('trigger', { name: 'x', timeoutSeconds: 2_592_001 });
    expect([pastLimit.status, pastLimit.body.error?.problems?.[0]?.message]).toEqual([400, expect.stringMatching(/from 1 to 2592000, got `2592001`/)]);
    const missing = await api.call('getRun', { id: 'no-such-run' });
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ ok: false, error: { message: "No run with id 'no-such-run'" } });
    expect((await api.call('trigger', { name: 'ghost' })).body).toMatchObject({ ok: false, error: { message: "No schedule named 'ghost'" } });
  });
});

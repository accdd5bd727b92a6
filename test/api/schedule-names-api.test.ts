/**
 * Over the API a schedule name is one name whatever its letter case: creating "A" when "a" exists
 * is refused like an exact duplicate, and every call naming a schedule finds it in any case.
 */
import { describe, expect, it } from 'vitest';
import type { ScheduleView } from '../../src-main/api/contract.ts';
import type { Run } from '../../src-main/engine/types.ts';
import { waitForEnd } from '../helpers/engine-harness.ts';
import { echoSpec, startApi } from './api-harness.ts';

describe('schedule names over the API ignore letter case', () => {
  it('createSchedule "A" when "a" exists answers 400 on `spec.name`, naming both spellings', async () => {
    const api = await startApi();
    await api.value('createSchedule', { spec: echoSpec('a', '') });
    const { status, body } = await api.call('createSchedule', { spec: echoSpec('A', '') });
    expect(status).toBe(400);
    expect(body.error?.problems).toEqual([{ path: 'spec.name', message: expect.stringMatching(/'a'.*'A'.*ignoring case/) }]);
    expect((await api.value<ScheduleView[]>('listSchedules')).map((s) => s.spec.name)).toEqual(['a']);
  });

  it('getSchedule and trigger find a schedule by its name in another case', async () => {
    const api = await startApi();
    const created = await api.value<ScheduleView>('createSchedule', { spec: echoSpec('Nightly', 'console.log(1)') });
    expect((await api.value<ScheduleView>('getSchedule', { name: 'nightly' })).id).toBe(created.id);
    const run = await api.value<Run>('trigger', { name: 'NIGHTLY' });
    expect(run.scheduleId).toBe(created.id);
    expect((await waitForEnd(api.engine, run.id)).status).toBe('succeeded');
  });

  it('updateSchedule by a name in another case keeps the stored spelling; a change of case alone is refused', async () => {
    const api = await startApi();
    const created = await api.value<ScheduleView>('createSchedule', { spec: echoSpec('Nightly', '') });
    const { name: _name, ...unnamed } = echoSpec('x', '', { description: 'changed' });
    const updated = await api.value<ScheduleView>('updateSchedule', { name: 'nightly', spec: unnamed });
    expect(updated).toMatchObject({ id: created.id, spec: { name: 'Nightly', description: 'changed' } });
    const renamed = await api.call('updateSchedule', { name: 'Nightly', spec: echoSpec('NIGHTLY', '') });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error?.problems).toEqual([{ path: 'spec.name', message: expect.stringMatching(/Renaming is not supported.*ignoring case/) }]);
  });
});

/**
 * A run's values as the engine resolves them (resolveRunValues, with the schedule's zone) and the
 * run-now values it accepts (checkParameterOverrides): text dates written with an offset are
 * shown in the schedule's zone like the built-ins, and a run-now date takes exactly what a text
 * date takes in a template.
 */
import { describe, expect, it } from 'vitest';
import { validateSchedule } from '../../src-main/engine/config/validate.ts';
import { substitute, type TemplateValues } from '../../src-main/engine/params/template.ts';
import { checkParameterOverrides, resolveRunValues } from '../../src-main/engine/params/values.ts';
import type { Run, Schedule } from '../../src-main/engine/types.ts';

function schedule(input: Record<string, unknown>): Schedule {
  const result = validateSchedule({
    name: 'dated',
    cron: '0 0 1 1 *',
    job: { type: 'process', executablePath: process.execPath, arguments: [] },
    ...input,
  });
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return { ...result.value, id: 'sch-1', paused: false, createdAt: 0, updatedAt: 0, lastOccurrence: null };
}

function run(scheduledFor: number, parameterOverrides: Record<string, string> | null = null): Run {
  return {
    id: 'run-1', scheduleId: 'sch-1', scheduleName: 'dated', attempt: 0, trigger: 'manual', triggeredBy: null,
    chainId: 'run-1', scheduledFor, dueAt: scheduledFor, startedAt: null, finishedAt: null, heartbeatAt: null,
    status: 'running', exitCode: null, error: null, errorDetail: null, reason: null, stdoutTail: null, stderrTail: null,
    result: null, host: 'test', pid: null, priority: 0, timeoutSeconds: null, parameterOverrides, cancelRequested: false,
    createdAt: scheduledFor,
  };
}

const SCHEDULED = Date.parse('2026-01-31T14:30:00Z');

/** The values of a run of `sched` (zone from the schedule, as the executor passes it). */
async function valuesOf(sched: Schedule, overrides: Record<string, string> | null = null, query?: string): Promise<TemplateValues> {
  const resolver = query === undefined ? undefined : async () => query;
  return resolveRunValues(sched, run(SCHEDULED, overrides), SCHEDULED, sched.timezone ?? 'UTC', new AbortController().signal, resolver);
}

const fill = (text: string, values: TemplateValues) => substitute(text, values, { field: 'arguments[0]' });

/** A Chicago schedule with one string parameter `Stamp`: `value`, or what `extra` says. */
const stamped = (value: string | undefined, extra: Record<string, unknown> = {}) =>
  schedule({ timezone: 'America/Chicago', parameters: [{ name: 'Stamp', type: 'string', ...(value === undefined ? {} : { value }), ...extra }] });

describe('text dates in a run, in the schedule zone', () => {
  it('a static text date with an offset is shown in the schedule zone, like the built-ins', async () => {
    const values = await valuesOf(stamped('2026-01-31T14:30:00Z'));
    expect(fill('{Stamp:HH:mm}', values)).toBe('08:30');
    expect(fill('{Stamp:HH:mm}', values)).toBe(fill('{ScheduledTime:HH:mm}', values));
    expect(fill('{Stamp}', values)).toBe('2026-01-31T14:30:00Z');
    const plusOne = await valuesOf(stamped('2026-01-31T14:30:00+01:00'));
    expect(fill('{Stamp:yyyy-MM-dd HH:mm zzz}', plusOne)).toBe('2026-01-31 07:30 -06:00');
  });

  it('a run-now value and a query answer with an offset are shown in the schedule zone too', async () => {
    const overridden = await valuesOf(stamped('unused'), { Stamp: '2026-01-31T14:30:00Z' });
    expect(fill('{Stamp:yyyy-MM-dd HH:mm}', overridden)).toBe('2026-01-31 08:30');
    const queried = await valuesOf(stamped(undefined, { query: { connection: 'reporting', sql: 'SELECT now()' } }), null, '2026-01-31 14:30:00.123+00');
    expect(fill('{Stamp:yyyy-MM-dd HH:mm:ss.fff}', queried)).toBe('2026-01-31 08:30:00.123');
  });

  it('a parameter built from {ScheduledTime} formats back to the built-in own wall clock', async () => {
    const values = await valuesOf(stamped('{ScheduledTime}'));
    expect(fill('{Stamp}', values)).toBe('2026-01-31T08:30:00.000-06:00');
    expect(fill('{Stamp:yyyyMMdd HH:mm}', values)).toBe('20260131 08:30');
  });

  it('a text date without an offset keeps the fields written, whatever the schedule zone', async () => {
    for (const timezone of ['America/Chicago', 'Asia/Tokyo']) {
      const values = await valuesOf(schedule({ timezone, parameters: [{ name: 'Stamp', type: 'string', value: '2026-01-31T23:00' }] }));
      expect(fill('{Stamp:yyyyMMdd HH:mm}', values)).toBe('20260131 23:00');
    }
  });

  it('an instant in the autumn repeated hour shows the offset it had then; one after the spring gap, the summer offset', async () => {
    const show = async (value: string, format: string) => fill(`{Stamp:${format}}`, await valuesOf(stamped(value)));
    expect(await show('2026-11-01T06:30:00Z', 'o')).toBe('2026-11-01T01:30:00.000-05:00');
    expect(await show('2026-11-01T07:30:00Z', 'o')).toBe('2026-11-01T01:30:00.000-06:00');
    expect(await show('2026-11-01T01:30:00-06:00', 'HH:mm zzz')).toBe('01:30 -06:00');
    expect(await show('2026-11-01T01:30:00-05', 'HH:mm zzz')).toBe('01:30 -05:00');
    expect(await show('2026-03-08T08:30:00Z', 'HH:mm zzz')).toBe('03:30 -05:00');
  });
});

describe('run-now values for the date built-ins', () => {
  const chicago = schedule({ timezone: 'America/Chicago', parameters: [{ name: 'When', type: 'datetime2', value: '2026-01-01', secret: true }] });
  const BUILT_INS = ['CurrentDate', 'CurrentDateTime', 'ScheduledTime'];
  const accepted = (name: string, value: string) => {
    try {
      checkParameterOverrides(chicago, { [name]: value });
      return true;
    } catch {
      return false;
    }
  };
  const formats = (value: string) => {
    try {
      fill('{X:yyyy}', { X: value });
      return true;
    } catch {
      return false;
    }
  };

  it('take an offset of hours only, as a text date in a template does', async () => {
    for (const name of BUILT_INS) {
      for (const value of ['2026-01-31T14:30:00+01', '2026-01-31T14:30:00+0100', '2026-01-31 14:30:00.123+00']) {
        expect(() => checkParameterOverrides(chicago, { [name]: value }), `${name}=${value}`).not.toThrow();
      }
    }
    const values = await valuesOf(chicago, { ScheduledTime: '2026-01-31T14:30:00+01' });
    expect(fill('{ScheduledTime}', values)).toBe('2026-01-31T07:30:00.000-06:00');
  });

  it('are accepted exactly when the template would format the same text as a date', () => {
    const texts = [
      '2026-01-31', '2026-01-31T14:30', '2026-01-31 14:30:00', '2026-01-31T14:30:00.1234567', '2026-01-31T14:30:00Z',
      '2026-01-31T14:30:00+01:00', '2026-01-31T14:30:00-0530', '2026-01-31T14:30+01',
      '5', 'Jan 31', '31/01/2026', '2026-02-30', '2026-01-31T14', '2026-01-31T25:00', '2026-01-31T14:30:00+1', '2026-01-31T14:30:00 +01:00',
    ];
    for (const name of BUILT_INS) {
      for (const text of texts) expect(accepted(name, text), `${name}=${text}`).toBe(formats(text));
    }
  });

  it('are refused naming parameters.<Name>; a secret declared parameter without showing its value', () => {
    expect(() => checkParameterOverrides(chicago, { ScheduledTime: '2026-01-31T14', When: 'next tuesday' })).toThrow(
      /parameters\.ScheduledTime: Expected `ScheduledTime` to be .*got `2026-01-31T14`\nparameters\.When: Expected `When` to be .*got a hidden value$/,
    );
  });
});

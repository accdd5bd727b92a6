/**
 * A time limit shorter than a millisecond (the engine's timer cannot wait less) is refused where
 * a file or the API gives it, naming the field and the value; fractions above it and the shipped
 * example stay valid.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScheduleFileText, validateSchedule, validateScheduleFile } from '../../src-main/engine/config/validate.ts';

const schedule = (fields: Record<string, unknown>, job: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'nightly',
  cron: '0 30 2 * * *',
  job: { type: 'process', executablePath: 'node', ...job },
  ...fields,
});

const messages = (input: unknown): string[] => {
  const result = validateScheduleFile(input);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('timeoutSeconds has a lower bound of one millisecond', () => {
  it('a schedule timeoutSeconds of 1e-9 is refused, naming the field and the value', () => {
    expect(messages({ schedules: [schedule({ timeoutSeconds: 1e-9 })] })).toEqual([
      'schedules[0] "nightly" › timeoutSeconds: Expected `timeoutSeconds` to be at least 0.001 seconds (1 ms), got `1e-9` (number)',
    ]);
  });

  it('a job timeoutSeconds of 0.0005 is refused for every job type', () => {
    const http = { type: 'http', url: 'https://example.com/', timeoutSeconds: 0.0005 };
    const sql = { type: 'sql', connection: 'db', procedure: 'dbo.p', timeoutSeconds: 0.0005 };
    const found = messages({
      schedules: [schedule({}, { timeoutSeconds: 0.0005 }), schedule({ name: 'web', job: http }), schedule({ name: 'db', job: sql })],
    });
    expect(found).toEqual([
      'schedules[0] "nightly" › job.timeoutSeconds: Expected `timeoutSeconds` to be at least 0.001 seconds (1 ms), got `0.0005` (number)',
      'schedules[1] "web" › job.timeoutSeconds: Expected `timeoutSeconds` to be at least 0.001 seconds (1 ms), got `0.0005` (number)',
      'schedules[2] "db" › job.timeoutSeconds: Expected `timeoutSeconds` to be at least 0.001 seconds (1 ms), got `0.0005` (number)',
    ]);
  });

  it('a legacy TimeoutSeconds below a millisecond is reported under its own name', () => {
    const legacy = { Name: 'Old Api', CronExpression: '0 0 12 * * ?', JobType: 'ApiCall', JobConfiguration: { Url: 'https://example.com/', TimeoutSeconds: 0.0001 } };
    expect(messages({ schedules: [legacy] })).toEqual([
      'schedules[0] "Old Api" › JobConfiguration.TimeoutSeconds: Expected `TimeoutSeconds` to be at least 0.001 seconds (1 ms), got `0.0001` (number)',
    ]);
  });

  it('the one-schedule check used by the API refuses it too', () => {
    expect(validateSchedule(schedule({ timeoutSeconds: 1e-9 }))).toEqual({
      ok: false,
      problems: [{ path: 'timeoutSeconds', message: 'Expected `timeoutSeconds` to be at least 0.001 seconds (1 ms), got `1e-9` (number)' }],
    });
  });

  it('the other per-run thresholds in seconds (notify.longRunningSeconds, retry.maxTotalSeconds) share the bound', () => {
    const found = messages({ schedules: [schedule({ notify: { longRunningSeconds: 1e-9 }, retry: { maxTotalSeconds: 0.0002 } })] });
    expect(found).toEqual([
      'schedules[0] "nightly" › retry.maxTotalSeconds: Expected `maxTotalSeconds` to be at least 0.001 seconds (1 ms), got `0.0002` (number)',
      'schedules[0] "nightly" › notify.longRunningSeconds: Expected `longRunningSeconds` to be at least 0.001 seconds (1 ms), got `1e-9` (number)',
    ]);
  });

  it('one millisecond, half a second, one second and 30 days are accepted', () => {
    for (const seconds of [0.001, 0.5, 1, 30 * 24 * 3600]) {
      const result = validateScheduleFile({ schedules: [schedule({ timeoutSeconds: seconds }, { timeoutSeconds: seconds })] });
      expect(result.ok && [result.value.schedules[0]?.timeoutSeconds, result.value.schedules[0]?.job.timeoutSeconds]).toEqual([seconds, seconds]);
    }
  });

  it('a negative timeout still reads "a positive number", once', () => {
    expect(messages({ schedules: [schedule({ timeoutSeconds: -1 })] })).toEqual([
      'schedules[0] "nightly" › timeoutSeconds: Expected `timeoutSeconds` to be a positive number, got `-1` (number)',
    ]);
  });

  it('the shipped example file stays valid', () => {
    const text = fs.readFileSync(path.join(import.meta.dirname, '../../examples/schedules.json'), 'utf8');
    const result = parseScheduleFileText(text);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});

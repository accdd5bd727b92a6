/**
 * Legacy limits written in minutes (TimeoutMinutes, RetryDelayMinutes) are checked in minutes:
 * an out-of-range value is reported as the author wrote it, never in the seconds it becomes.
 */
import { describe, expect, it } from 'vitest';
import { validateScheduleFile } from '../../src-main/engine/config/validate.ts';

const legacy = (fields: Record<string, unknown>, configuration: Record<string, unknown> = {}): Record<string, unknown> => ({
  Name: 'Old Job',
  CronExpression: '0 0 12 * * ?',
  JobType: 'Process',
  JobConfiguration: { ExecutablePath: 'run.exe', ...configuration },
  ...fields,
});

const messages = (input: unknown): string[] => {
  const result = validateScheduleFile(input);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('legacy minutes are checked in minutes', () => {
  it('a TimeoutMinutes over 30 days is reported in minutes, as written', () => {
    expect(messages({ schedules: [legacy({ TimeoutMinutes: 50_000 })] })).toEqual([
      'schedules[0] "Old Job" › TimeoutMinutes: Expected `TimeoutMinutes` to be at most 43200 minutes (30 days), got `50000` (number)',
    ]);
  });

  it('a JobConfiguration TimeoutMinutes over 30 days is reported in minutes, at its own path', () => {
    expect(messages({ schedules: [legacy({}, { TimeoutMinutes: 50_000 })] })).toEqual([
      'schedules[0] "Old Job" › JobConfiguration.TimeoutMinutes: Expected `TimeoutMinutes` to be at most 43200 minutes (30 days), got `50000` (number)',
    ]);
  });

  it('a TimeoutMinutes shorter than a millisecond is reported in minutes', () => {
    expect(messages({ schedules: [legacy({ TimeoutMinutes: 1e-8 })] })).toEqual([
      'schedules[0] "Old Job" › TimeoutMinutes: Expected `TimeoutMinutes` to be at least 1/60000 minute (1 ms), got `1e-8` (number)',
    ]);
  });

  it('a RetryDelayMinutes over 30 days is reported in minutes', () => {
    expect(messages({ schedules: [legacy({ MaxRetries: 1, RetryDelayMinutes: 50_000 })] })).toEqual([
      'schedules[0] "Old Job" › RetryDelayMinutes: Expected `RetryDelayMinutes` to be at most 43200 minutes (30 days), got `50000` (number)',
    ]);
  });

  it('30 days in minutes is accepted and becomes 2592000 seconds', () => {
    const result = validateScheduleFile({ schedules: [legacy({ TimeoutMinutes: 43_200 }, { TimeoutMinutes: 43_200 })] });
    expect(result.ok && [result.value.schedules[0]?.timeoutSeconds, result.value.schedules[0]?.job.timeoutSeconds]).toEqual([2_592_000, 2_592_000]);
  });
});

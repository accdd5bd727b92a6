/**
 * Scheduling through the whole engine (real SQLite, occurrence loop, dispatcher, executor) on a
 * fake clock: runs start at their instants, no timer is armed for long, DST is handled once.
 * The runner is a recording double registered as 'process' (see recording-runner.ts); the real
 * process runner has its own tests with real processes.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../../src-main/engine/clock.ts';
import type { Engine } from '../../src-main/engine/engine.ts';
import type { Run } from '../../src-main/engine/types.ts';
import { makeEngine, scheduleSpec } from '../helpers/engine-harness.ts';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.ts';
import { advanceInSteps, createRecordingRunner, type RecordingRunner } from '../helpers/recording-runner.ts';

const job = { type: 'process', executablePath: 'recorded-by-test', arguments: [] };
const at = (iso: string) => Date.parse(iso);
const isoOf = (ms: number) => new Date(ms).toISOString();

async function serving(startIso: string, pollMs?: number): Promise<{ engine: Engine; clock: FakeClock; runner: RecordingRunner }> {
  const clock = createFakeClock(at(startIso));
  const runner = createRecordingRunner(clock);
  const engine = makeEngine({ clock, runners: [runner], pollMs });
  await engine.start();
  return { engine, clock, runner };
}

const runsOf = (engine: Engine, name: string): Run[] =>
  engine
    .listRuns({ scheduleId: engine.getSchedule(name).id, limit: 1000 })
    .sort((a, b) => a.scheduledFor - b.scheduledFor);

describe('scheduling through the engine: timing', () => {
  it('an every-second schedule runs exactly once per second, on whole seconds, never early', async () => {
    const { engine, clock, runner } = await serving('2026-05-04T10:00:00.250Z');
    engine.saveSchedule(scheduleSpec({ name: 'tick', cron: '* * * * * *', job }));

    await advanceInSteps(engine, clock, 10_000, 1_000);

    const runs = runsOf(engine, 'tick');
    const expected = Array.from({ length: 10 }, (_, i) => at('2026-05-04T10:00:01Z') + i * 1000);
    expect(runs.map((r) => r.scheduledFor)).toEqual(expected);
    expect(new Set(runs.map((r) => r.scheduledFor)).size).toBe(runs.length);
    for (const run of runs) {
      expect(run).toMatchObject({ status: 'succeeded', trigger: 'schedule', attempt: 0 });
      expect(run.startedAt!).toBeGreaterThanOrEqual(run.scheduledFor);
      expect(run.startedAt! - run.scheduledFor).toBeLessThan(1000);
    }
    expect(runner.calls.map((c) => c.scheduledFor)).toEqual(expected);
    for (const call of runner.calls) {
      expect(call.trigger).toBe('schedule');
      expect(call.calledAt).toBeGreaterThanOrEqual(call.scheduledFor);
    }
  });

  it('waiting for a yearly schedule arms no timer longer than 60 s, and the run fires at its instant', async () => {
    // A year of fake time fires every engine timer (housekeeping every 5 s, the ticker every 60 s):
    // about 6.8 million callbacks, minutes of CPU. So the engine waits awake for the first day
    // (every timer it asks for is checked), the machine then sleeps until a few minutes before the
    // instant (wall clock moves, timers do not), and the last minutes are waited awake again.
    const { engine, clock, runner } = await serving('2026-01-01T00:00:30Z', 5_000);
    engine.saveSchedule(scheduleSpec({ name: 'new-year', cron: '0 0 1 1 *', job }));
    const instant = at('2027-01-01T00:00:00Z');
    expect(engine.listSchedules()[0]!.nextRunAt).toBe(instant);

    await advanceInSteps(engine, clock, 24 * 3_600_000, 3_600_000);
    expect(runner.calls).toEqual([]);
    clock.suspend(instant - 5 * 60_000 - clock.now());
    await advanceInSteps(engine, clock, 10 * 60_000, 10_000);

    expect(clock.requestedDelays.length).toBeGreaterThan(1000);
    expect(Math.max(...clock.requestedDelays)).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0]).toMatchObject({ scheduledFor: instant, trigger: 'schedule' });
    const [run] = runsOf(engine, 'new-year');
    expect(run).toMatchObject({ status: 'succeeded', scheduledFor: instant, startedAt: instant });
    expect(engine.listSchedules()[0]!.nextRunAt).toBe(at('2028-01-01T00:00:00Z'));
  });

  it('DST spring forward: a daily 02:30 New York schedule runs once on 2026-03-08, at 03:00 EDT (07:00Z)', async () => {
    const { engine, clock } = await serving('2026-03-08T05:00:00Z', 5_000);
    engine.saveSchedule(scheduleSpec({ name: 'half-past-two', cron: '30 2 * * *', timezone: 'America/New_York', job }));

    await advanceInSteps(engine, clock, 4 * 3_600_000, 60_000);

    const runs = runsOf(engine, 'half-past-two');
    expect(runs.map((r) => [isoOf(r.scheduledFor), r.status, r.trigger])).toEqual([
      ['2026-03-08T07:00:00.000Z', 'succeeded', 'schedule'],
    ]);
    expect(runs[0]!.startedAt).toBe(at('2026-03-08T07:00:00Z'));
  });

  it('DST fall back: a daily 01:30 New York schedule runs once on 2026-11-01, at its first instance (05:30Z)', async () => {
    const { engine, clock } = await serving('2026-11-01T04:00:00Z', 5_000);
    engine.saveSchedule(scheduleSpec({ name: 'half-past-one', cron: '30 1 * * *', timezone: 'America/New_York', job }));

    await advanceInSteps(engine, clock, 4 * 3_600_000, 60_000);

    const runs = runsOf(engine, 'half-past-one');
    expect(runs.map((r) => [isoOf(r.scheduledFor), r.status, r.trigger])).toEqual([
      ['2026-11-01T05:30:00.000Z', 'succeeded', 'schedule'],
    ]);
    expect(runs[0]!.startedAt).toBe(at('2026-11-01T05:30:00Z'));
  });
});

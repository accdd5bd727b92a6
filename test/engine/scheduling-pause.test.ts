/**
 * Pausing, pausing everything, disabling and editing, through the whole engine on a fake clock. The
 * runner is a recording double registered as 'process' (see recording-runner.ts); the real
 * process runner has its own tests with real processes.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src-main/engine/engine.ts';
import type { Run } from '../../src-main/engine/types.ts';
import { makeEngine, scheduleSpec } from '../helpers/engine-harness.ts';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.ts';
import { advanceInSteps, createRecordingRunner, settle, type RecordingRunner } from '../helpers/recording-runner.ts';

const job = { type: 'process', executablePath: 'recorded-by-test', arguments: [] };
const at = (iso: string) => Date.parse(iso);
const isoOf = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const MINUTE = 60_000;

async function serving(
  pollMs?: number,
  startIso = '2026-05-04T10:00:30Z',
): Promise<{ engine: Engine; clock: FakeClock; runner: RecordingRunner }> {
  const clock = createFakeClock(at(startIso));
  const runner = createRecordingRunner(clock);
  const engine = makeEngine({ clock, runners: [runner], pollMs });
  await engine.start();
  return { engine, clock, runner };
}

const rows = (engine: Engine, name: string): Array<[string, string, string]> =>
  engine
    .listRuns({ scheduleId: engine.getSchedule(name).id, limit: 1000 })
    .sort((a: Run, b: Run) => a.scheduledFor - b.scheduledFor)
    .map((r) => [isoOf(r.scheduledFor), r.trigger, r.status === 'skipped' ? `skipped:${r.reason}` : r.status]);

const minutes = (from: string, count: number) =>
  Array.from({ length: count }, (_, i) => isoOf(at(`2026-05-04T${from}Z`) + i * MINUTE));

describe('scheduling through the engine: pause, disable and edit', () => {
  it('a paused schedule records its occurrences as skipped (paused), and after resuming runs again without catching up', async () => {
    const { engine, clock, runner } = await serving();
    engine.saveSchedule(scheduleSpec({ name: 'minutely', cron: '* * * * *', job }));
    await advanceInSteps(engine, clock, MINUTE, 10_000);

    engine.setPaused('minutely', true);
    await advanceInSteps(engine, clock, 5 * MINUTE, 10_000);
    engine.setPaused('minutely', false);
    await settle(engine);
    await advanceInSteps(engine, clock, 3 * MINUTE, 10_000);

    expect(rows(engine, 'minutely')).toEqual([
      ['10:01:00', 'schedule', 'succeeded'],
      ...minutes('10:02:00', 5).map((t) => [t, 'schedule', 'skipped:paused']),
      ...minutes('10:07:00', 3).map((t) => [t, 'schedule', 'succeeded']),
    ]);
    const paused = engine.listRuns({ statuses: ['skipped'] });
    for (const run of paused) {
      expect(run.error).toMatch(/paused/);
      expect(run.createdAt).toBeGreaterThanOrEqual(run.scheduledFor);
    }
    expect(runner.calls.map((c) => c.trigger)).not.toContain('catch_up');
  });

  it('pause all skips every schedule while a manual trigger still runs, and resuming catches nothing up', async () => {
    const { engine, clock, runner } = await serving();
    engine.saveSchedule(scheduleSpec({ name: 'a', cron: '* * * * *', job }));
    engine.saveSchedule(scheduleSpec({ name: 'b', cron: '* * * * *', job }));

    engine.setPausedAll(true);
    expect(engine.state().pausedAll).toBe(true);
    await advanceInSteps(engine, clock, 3 * MINUTE, 10_000);
    const manual = engine.trigger('a', { triggeredBy: 'operator' });
    await settle(engine);
    engine.setPausedAll(false);
    await advanceInSteps(engine, clock, 2 * MINUTE, 10_000);

    for (const name of ['a', 'b']) {
      const scheduled = rows(engine, name).filter(([, trigger]) => trigger !== 'manual');
      expect(scheduled).toEqual([
        ...minutes('10:01:00', 3).map((t) => [t, 'schedule', 'skipped:paused']),
        ...minutes('10:04:00', 2).map((t) => [t, 'schedule', 'succeeded']),
      ]);
    }
    expect(engine.getRun(manual.id)).toMatchObject({ trigger: 'manual', status: 'succeeded' });
    expect(runner.calls[0]).toMatchObject({ scheduleName: 'a', trigger: 'manual' });
    expect(runner.calls.slice(1).map((c) => `${c.scheduleName} ${isoOf(c.scheduledFor)}`).sort()).toEqual([
      'a 10:04:00',
      'a 10:05:00',
      'b 10:04:00',
      'b 10:05:00',
    ]);
  });

  it('re-enabling a schedule after two hours disabled does not catch up the disabled period', async () => {
    const { engine, clock, runner } = await serving(5_000);
    engine.saveSchedule(scheduleSpec({ name: 'ten', cron: '*/10 * * * *', job }));
    await advanceInSteps(engine, clock, 10 * MINUTE, MINUTE);

    engine.setEnabled('ten', false);
    await advanceInSteps(engine, clock, 120 * MINUTE, 10 * MINUTE);
    engine.setEnabled('ten', true);
    await settle(engine);
    await advanceInSteps(engine, clock, 10 * MINUTE, MINUTE);

    expect(rows(engine, 'ten')).toEqual([
      ['10:10:00', 'schedule', 'succeeded'],
      ['12:20:00', 'schedule', 'succeeded'],
    ]);
    expect(runner.calls.map((c) => [isoOf(c.scheduledFor), c.trigger])).toEqual([
      ['10:10:00', 'schedule'],
      ['12:20:00', 'schedule'],
    ]);
  });

  it('changing a daily schedule to every 10 minutes runs from the change on, without catching up the new cron\'s past', async () => {
    const { engine, clock, runner } = await serving(5_000, '2026-05-04T09:59:30Z');
    engine.saveSchedule(scheduleSpec({ name: 'report', cron: '0 10 * * *', job }));
    await advanceInSteps(engine, clock, 2 * MINUTE, MINUTE);
    await advanceInSteps(engine, clock, 3 * 60 * MINUTE, 10 * MINUTE);

    engine.saveSchedule(scheduleSpec({ name: 'report', cron: '*/10 * * * *', job }));
    await settle(engine);
    await advanceInSteps(engine, clock, 20 * MINUTE, MINUTE);

    expect(rows(engine, 'report')).toEqual([
      ['10:00:00', 'schedule', 'succeeded'],
      ['13:10:00', 'schedule', 'succeeded'],
      ['13:20:00', 'schedule', 'succeeded'],
    ]);
    expect(runner.calls.map((c) => c.trigger)).not.toContain('catch_up');
  });
});

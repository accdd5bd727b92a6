/**
 * Missed occurrences through the whole engine on a fake clock: the machine off between two
 * engines on one data folder, a suspend while serving, the clock set back. The runner is a
 * recording double registered as 'process' (see recording-runner.ts); the real process runner
 * has its own tests with real processes.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src-main/engine/engine.ts';
import type { MisfirePolicy, Run } from '../../src-main/engine/types.ts';
import { makeEngine, scheduleSpec, tempDir } from '../helpers/engine-harness.ts';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.ts';
import { advanceInSteps, createRecordingRunner, settle, type RecordingRunner } from '../helpers/recording-runner.ts';

const job = { type: 'process', executablePath: 'recorded-by-test', arguments: [] };
const at = (iso: string) => Date.parse(iso);
const isoOf = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const runsOf = (engine: Engine, name: string): Run[] =>
  engine
    .listRuns({ scheduleId: engine.getSchedule(name).id, limit: 1000 })
    .sort((a, b) => a.scheduledFor - b.scheduledFor);

/** Occurrences 10:10 to 12:00, the ones missed in the two hours after 10:05. */
const MISSED = Array.from({ length: 12 }, (_, i) => isoOf(at('2026-05-04T10:10:00Z') + i * 10 * MINUTE));

interface Downtime {
  engine: Engine;
  runner: RecordingRunner;
}

/**
 * Engine A serves an every-10-minutes schedule from 09:58 to 10:05 (the 10:00 run happens) and
 * stops; the machine is off for two hours; engine B starts on the same folder at 12:05.
 */
async function afterDowntime(misfire: MisfirePolicy): Promise<Downtime> {
  const dataDir = tempDir();
  const clock = createFakeClock(at('2026-05-04T09:58:00Z'));
  const runner = createRecordingRunner(clock, { holdTurns: 3 });
  const a = makeEngine({ dataDir, clock, runners: [runner] });
  await a.start();
  a.saveSchedule(scheduleSpec({ name: 'ten', cron: '*/10 * * * *', job, misfire }));
  await advanceInSteps(a, clock, 7 * MINUTE, 30_000);
  expect(runner.calls.map((c) => isoOf(c.scheduledFor))).toEqual(['10:00:00']);
  await a.stop();

  clock.advance(2 * HOUR);
  const b = makeEngine({ dataDir, clock, runners: [runner] });
  await b.start();
  await settle(b);
  return { engine: b, runner };
}

describe('scheduling through the engine: missed occurrences', () => {
  it('after two hours off, misfire fire_once runs one catch-up for the latest missed occurrence and records the others as skipped', async () => {
    const { engine, runner } = await afterDowntime('fire_once');

    const runs = runsOf(engine, 'ten');
    expect(runs.map((r) => isoOf(r.scheduledFor))).toEqual(['10:00:00', ...MISSED]);
    const [first, ...missed] = runs;
    expect(first).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
    expect(missed.at(-1)).toMatchObject({ trigger: 'catch_up', status: 'succeeded' });
    for (const skipped of missed.slice(0, -1)) {
      expect(skipped).toMatchObject({ status: 'skipped', reason: 'misfire' });
      expect(skipped.error).toMatch(/^Missed by \d+ s while Batchlight was not running or the machine was asleep/);
      expect(skipped.error).toContain('misfire: fire_once');
    }
    expect(runner.calls.map((c) => [isoOf(c.scheduledFor), c.trigger])).toEqual([
      ['10:00:00', 'schedule'],
      ['12:00:00', 'catch_up'],
    ]);
  });

  it('after two hours off, misfire skip runs nothing that was missed and records every missed occurrence as skipped', async () => {
    const { engine, runner } = await afterDowntime('skip');

    const missed = runsOf(engine, 'ten').slice(1);
    expect(missed.map((r) => isoOf(r.scheduledFor))).toEqual(MISSED);
    for (const skipped of missed) {
      expect(skipped).toMatchObject({ status: 'skipped', reason: 'misfire' });
      expect(skipped.error).toContain('misfire: skip runs nothing that was missed');
    }
    expect(runner.calls).toHaveLength(1);
  });

  it('after two hours off, misfire fire_all runs every missed occurrence as a catch-up, one after another', async () => {
    const { engine, runner } = await afterDowntime('fire_all');

    const missed = runsOf(engine, 'ten').slice(1);
    expect(missed.map((r) => [isoOf(r.scheduledFor), r.trigger, r.status])).toEqual(
      MISSED.map((t) => [t, 'catch_up', 'succeeded']),
    );
    expect(runner.calls.slice(1).map((c) => isoOf(c.scheduledFor))).toEqual(MISSED);
    expect(runner.maxConcurrent()).toBe(1);
  });

  it('a two-hour suspend while serving: on wake one catch-up, skipped rows for the rest, and nothing runs twice', async () => {
    const clock = createFakeClock(at('2026-05-04T09:58:00Z'));
    const runner = createRecordingRunner(clock);
    const engine = makeEngine({ clock, runners: [runner] });
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'ten', cron: '*/10 * * * *', job }));
    await advanceInSteps(engine, clock, 7 * MINUTE, 30_000);

    clock.suspend(2 * HOUR);
    await advanceInSteps(engine, clock, 30 * MINUTE, 30_000);

    const runs = runsOf(engine, 'ten');
    const scheduled = runs.map((r) => r.scheduledFor);
    expect(new Set(scheduled).size).toBe(scheduled.length);
    expect(runs.map((r) => [isoOf(r.scheduledFor), r.trigger, r.status])).toEqual([
      ['10:00:00', 'schedule', 'succeeded'],
      ...MISSED.slice(0, -1).map((t) => [t, 'schedule', 'skipped']),
      ['12:00:00', 'catch_up', 'succeeded'],
      ['12:10:00', 'schedule', 'succeeded'],
      ['12:20:00', 'schedule', 'succeeded'],
      ['12:30:00', 'schedule', 'succeeded'],
    ]);
    expect(runs.filter((r) => r.status === 'skipped').every((r) => r.reason === 'misfire')).toBe(true);
    expect(runner.calls.map((c) => isoOf(c.scheduledFor))).toEqual(['10:00:00', '12:00:00', '12:10:00', '12:20:00', '12:30:00']);
  });

  it('the clock set back an hour right after a run: no occurrence runs twice, and the next one runs at its time', async () => {
    const clock = createFakeClock(at('2026-05-04T09:58:00Z'));
    const runner = createRecordingRunner(clock);
    const engine = makeEngine({ clock, runners: [runner] });
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'ten', cron: '*/10 * * * *', job }));
    await advanceInSteps(engine, clock, 2 * MINUTE + 5_000, 5_000);
    expect(runner.calls.map((c) => isoOf(c.scheduledFor))).toEqual(['10:00:00']);

    clock.jumpWall(-HOUR);
    await advanceInSteps(engine, clock, 75 * MINUTE, 30_000);

    const runs = runsOf(engine, 'ten');
    expect(runs.map((r) => [isoOf(r.scheduledFor), r.trigger, r.status])).toEqual([
      ['10:00:00', 'schedule', 'succeeded'],
      ['10:10:00', 'schedule', 'succeeded'],
    ]);
    expect(runs[1]!.startedAt).toBe(at('2026-05-04T10:10:00Z'));
    expect(runner.calls).toHaveLength(2);
  });
});

/**
 * A wake where many schedules come due at once: the engine writes their rows, starts what it can
 * in the same transaction (highest priority first when the concurrency limit is reached), and
 * records runs that end in the same turn together, each with its own outcome and retry. Whole
 * engine on a fake clock with the recording runner (see recording-runner.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src-main/engine/engine.ts';
import type { Run } from '../../src-main/engine/types.ts';
import type { Runner } from '../../src-main/engine/runners/runner.ts';
import { makeEngine, scheduleSpec, waitFor } from '../helpers/engine-harness.ts';
import { recordingLogger } from '../helpers/recording-logger.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { createRecordingRunner, settle } from '../helpers/recording-runner.ts';

const job = { type: 'process', executablePath: 'recorded-by-test', arguments: [] };
const at = (iso: string) => Date.parse(iso);

function collect(engine: Engine): Record<'queued' | 'started' | 'finished', Run[]> {
  const seen = { queued: [] as Run[], started: [] as Run[], finished: [] as Run[] };
  engine.events.on('run.queued', (run) => seen.queued.push(run));
  engine.events.on('run.started', (run) => seen.started.push(run));
  engine.events.on('run.finished', (run) => seen.finished.push(run));
  return seen;
}

describe('many schedules due in the same wake', () => {
  it('start within the concurrency limit by priority; the rest wait queued and start as room frees', async () => {
    const clock = createFakeClock(at('2026-05-04T10:00:00.500Z'));
    const runner = createRecordingRunner(clock, { holdTurns: 3 });
    const engine = makeEngine({ clock, runners: [runner] });
    engine.store.settings.set('concurrency', 2);
    for (const [name, priority] of [['low', 1], ['top', 9], ['mid', 5], ['least', 0]] as const) {
      engine.saveSchedule(scheduleSpec({ name, cron: '0 0 11 * * *', priority, job }));
    }
    await engine.start();
    const seen = collect(engine);

    clock.advance(at('2026-05-04T11:00:00.000Z') - clock.now());
    const startedInWake = seen.started.map((r) => r.scheduleName);
    const queuedInWake = seen.queued.map((r) => r.scheduleName);
    await settle(engine);

    expect(startedInWake).toEqual(['top', 'mid']);
    expect(queuedInWake).toEqual(['low', 'least']);
    expect(runner.calls.map((c) => c.scheduleName)).toEqual(['top', 'mid', 'low', 'least']);
    expect(runner.maxConcurrent()).toBeLessThanOrEqual(2);
    const rows = engine.listRuns({ limit: 10 });
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'succeeded', trigger: 'schedule', scheduledFor: at('2026-05-04T11:00:00Z') });
    }
  });

  it('runs ending in the same turn are each recorded with their own outcome, event and retry', async () => {
    const clock = createFakeClock(at('2026-05-04T10:00:00.500Z'));
    const runner = createRecordingRunner(clock, {
      script: (call) => (call.scheduleName.startsWith('fails') ? { ok: false, exitCode: 3, error: `${call.scheduleName} broke` } : { ok: true, exitCode: 0 }),
    });
    const engine = makeEngine({ clock, runners: [runner] });
    const names = ['fails-a', 'works-b', 'fails-c', 'works-d', 'works-e'];
    for (const name of names) {
      engine.saveSchedule(scheduleSpec({ name, cron: '0 0 11 * * *', job, retry: { maxRetries: 1, delaySeconds: 30 } }));
    }
    await engine.start();
    const seen = collect(engine);

    clock.advance(at('2026-05-04T11:00:00.000Z') - clock.now());
    await settle(engine);

    expect(seen.finished.map((r) => r.scheduleName).sort()).toEqual([...names].sort());
    for (const ended of seen.finished) {
      const stored = engine.getRun(ended.id);
      expect(ended).toEqual(stored);
      if (ended.scheduleName.startsWith('fails')) {
        expect(stored).toMatchObject({ status: 'failed', exitCode: 3, error: `${ended.scheduleName} broke` });
        expect(stored.errorDetail).toMatch(/^retry 1\/1 at 2026-05-04T11:00:30/);
      } else {
        expect(stored).toMatchObject({ status: 'succeeded', exitCode: 0, error: null });
      }
    }
    expect(seen.queued.map((r) => [r.scheduleName, r.trigger, r.attempt])).toEqual([
      ['fails-a', 'retry', 1],
      ['fails-c', 'retry', 1],
    ]);
  });

  it('a run end that cannot be recorded is logged and leaves the others ending with it recorded', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const lines: string[] = [];
    const logger = recordingLogger(lines);
    const runner: Runner = {
      type: 'process',
      run: async ({ run }) => {
        await gate;
        return run.scheduleName === 'deleted' ? { ok: false, exitCode: 1, error: 'boom' } : { ok: true, exitCode: 0 };
      },
    };
    const engine = makeEngine({ runners: [runner], logger });
    engine.saveSchedule(scheduleSpec({ name: 'deleted', job, retry: { maxRetries: 2, delaySeconds: 60 } }));
    engine.saveSchedule(scheduleSpec({ name: 'kept', job }));
    await engine.start();
    const seen = collect(engine);
    engine.trigger('deleted');
    const kept = engine.trigger('kept');
    await waitFor(() => engine.state().running === 2);
    // Its runs go with it (ON DELETE CASCADE), so its retry cannot be written when its run ends.
    engine.deleteSchedule('deleted');
    release();

    await waitFor(() => engine.state().running === 0, 5_000, 'both runs to end');
    expect(engine.getRun(kept.id)).toMatchObject({ status: 'succeeded' });
    expect(seen.finished.map((r) => r.scheduleName)).toEqual(['kept']);
    expect(lines.filter((line) => line.startsWith('error Could not record the end of a run '))).toHaveLength(1);
  });
});

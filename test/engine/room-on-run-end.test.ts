/**
 * When a run ends, its slot goes to the next queued run in the same transaction that records the
 * end. These check what a user would see around that moment: a listener that runs a schedule
 * again on a run's end (a chained job, the tray's "run again") finds the room as it now is, so
 * the concurrency limit, the overlap policy and the queue order hold; and a queued run that
 * cannot be read never undoes the recorded end of the run that made room. Whole engine with the
 * recording runner (see recording-runner.ts).
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/engine/clock.ts';
import type { Engine } from '../../src-main/engine/engine.ts';
import { makeEngine, scheduleSpec, waitFor } from '../helpers/engine-harness.ts';
import { recordingLogger } from '../helpers/recording-logger.ts';
import { createRecordingRunner, settle } from '../helpers/recording-runner.ts';

const job = { type: 'process', executablePath: 'recorded-by-test', arguments: [] };

/** Runs `action` once, inside the listener, when the first run of `scheduleName` ends. */
function onFirstEnd(engine: Engine, scheduleName: string, action: () => void): () => boolean {
  let done = false;
  engine.events.on('run.finished', (run) => {
    if (run.scheduleName === scheduleName && !done) {
      done = true;
      action();
    }
  });
  return () => done;
}

describe('the room a run leaves when it ends', () => {
  it('a listener that runs a schedule on a run\'s end waits behind the run queued before it, within the limit', async () => {
    const runner = createRecordingRunner(systemClock, { holdTurns: 5 });
    const engine = makeEngine({ runners: [runner] });
    engine.store.settings.set('concurrency', 1);
    for (const name of ['a', 'b', 'c']) engine.saveSchedule(scheduleSpec({ name, job }));
    await engine.start();
    const chained = onFirstEnd(engine, 'a', () => engine.trigger('c'));
    engine.trigger('a');
    expect(engine.trigger('b').status).toBe('queued');

    await waitFor(chained);
    await settle(engine);
    expect(runner.calls.map((call) => call.scheduleName)).toEqual(['a', 'b', 'c']);
    expect(runner.maxConcurrent()).toBe(1);
  });

  it('overlap queue: a listener running the schedule again on its end never gets two of it running', async () => {
    const runner = createRecordingRunner(systemClock, { holdTurns: 5 });
    const engine = makeEngine({ runners: [runner] });
    engine.saveSchedule(scheduleSpec({ name: 'q', job, overlap: 'queue' }));
    await engine.start();
    const chained = onFirstEnd(engine, 'q', () => engine.trigger('q'));
    engine.trigger('q');
    expect(engine.trigger('q').status).toBe('queued');

    await waitFor(chained);
    await settle(engine);
    expect(runner.calls).toHaveLength(3);
    expect(runner.maxConcurrent()).toBe(1);
  });

  it('a queued run that cannot be read is logged and leaves the end of the run before it recorded', async () => {
    const lines: string[] = [];
    const runner = createRecordingRunner(systemClock, { holdTurns: 5 });
    const engine = makeEngine({ runners: [runner], logger: recordingLogger(lines) });
    engine.store.settings.set('concurrency', 1);
    for (const name of ['a', 'b']) engine.saveSchedule(scheduleSpec({ name, job }));
    await engine.start();
    const a = engine.trigger('a');
    const b = engine.trigger('b');
    expect(b.status).toBe('queued');
    // Its parameter overrides were sealed with another data folder's key, say: it cannot be read.
    engine.store.db.prepare(`UPDATE runs SET parameter_overrides = 'enc:v1:damaged' WHERE id = ?`).run(b.id);

    await waitFor(() => engine.state().running === 0, 5_000, 'a to end');
    await settle(engine);
    expect(engine.getRun(a.id).status).toBe('succeeded');
    expect(lines.some((line) => line.startsWith('error Could not start queued runs '))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { makeEngine, nodeJob, scheduleSpec, waitFor, waitForEnd } from '../helpers/engine-harness.ts';

const sleeper = (ms: number) => nodeJob(`setTimeout(() => {}, ${ms})`);

describe('overlap and concurrency', () => {
  it('overlap skip: a manual trigger while running is recorded as skipped', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'single', job: sleeper(1500), overlap: 'skip' }));
    const first = engine.trigger('single');
    const second = engine.trigger('single');
    expect(second.status).toBe('skipped');
    expect(second.reason).toBe('overlap');
    expect(second.error).toMatch(new RegExp(first.id));
    await waitForEnd(engine, first.id);
    expect(engine.listRuns({ statuses: ['succeeded'] })).toHaveLength(1);
  });

  it('overlap queue: one trigger waits for the running run, a third is skipped', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'queued', job: sleeper(800), overlap: 'queue' }));
    const first = engine.trigger('queued');
    await waitFor(() => engine.getRun(first.id).status === 'running');
    const second = engine.trigger('queued');
    const third = engine.trigger('queued');
    expect(second.status).toBe('queued');
    expect(third.status).toBe('skipped');
    const a = await waitForEnd(engine, first.id);
    const b = await waitForEnd(engine, second.id);
    expect(b.status).toBe('succeeded');
    expect(b.startedAt!).toBeGreaterThanOrEqual(a.finishedAt!);
  });

  it('overlap parallel: up to maxParallel runs at once, more are skipped', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'wide', job: sleeper(1500), overlap: 'parallel', maxParallel: 2 }));
    const runs = [engine.trigger('wide'), engine.trigger('wide'), engine.trigger('wide')];
    expect(runs.map((r) => r.status)).toEqual(['running', 'running', 'skipped']);
    await waitFor(() => runs.slice(0, 2).every((r) => engine.getRun(r.id).status === 'running'), 10_000, 'both to run together');
  });

  it('the global concurrency limit queues runs beyond it and starts the highest priority first', async () => {
    const engine = makeEngine();
    engine.store.settings.set('concurrency', 1);
    engine.saveSchedule(scheduleSpec({ name: 'blocker', job: sleeper(800) }));
    engine.saveSchedule(scheduleSpec({ name: 'low', job: sleeper(10), priority: 1 }));
    engine.saveSchedule(scheduleSpec({ name: 'high', job: sleeper(10), priority: 5 }));
    await engine.start();
    const blocker = engine.trigger('blocker');
    await waitFor(() => engine.getRun(blocker.id).status === 'running');
    const low = engine.trigger('low');
    const high = engine.trigger('high');
    await waitFor(() => engine.state().running === 1 && engine.getRun(low.id).status === 'queued');
    const [l, h] = [await waitForEnd(engine, low.id), await waitForEnd(engine, high.id)];
    expect(h.finishedAt!).toBeLessThanOrEqual(l.startedAt!);
    expect(h.startedAt!).toBeGreaterThanOrEqual((await waitForEnd(engine, blocker.id)).finishedAt!);
  });
});

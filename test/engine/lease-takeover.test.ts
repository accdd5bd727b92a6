/**
 * Two engines on one data folder: engine A is frozen (SIGSTOP, a paused VM) past the lease's
 * stale threshold, engine B takes the lease and serves. A, resumed, must start and record nothing
 * more: every occurrence runs once, on B. Real SQLite, real engines in one process, each on its
 * own fake clock; a freeze moves A's clocks without firing its timers, as a stopped process does.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src-main/engine/engine.ts';
import { RunCancelledError } from '../../src-main/engine/errors.ts';
import type { Runner } from '../../src-main/engine/runners/runner.ts';
import { LEASE_STALE_MS, LeaseLostError } from '../../src-main/engine/store/lease.ts';
import { makeEngine, scheduleSpec, tempDir, waitFor } from '../helpers/engine-harness.ts';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.ts';
import { createRecordingRunner, settle, type RecordingRunner } from '../helpers/recording-runner.ts';

const job = { type: 'process', executablePath: 'recorded-by-test', arguments: [] };
/** Longer than the stale threshold, as in the review's reproduction (20 s of SIGSTOP). */
const FREEZE_MS = LEASE_STALE_MS + 5_000;

interface Serving {
  engine: Engine;
  clock: FakeClock;
  runner: RecordingRunner;
}

/** Starts an engine on `dataDir` named `host` (so the lease's same-host pid check stays out of it). */
async function serve(dataDir: string, host: string, wallMs: number, runner?: Runner): Promise<Serving> {
  const clock = createFakeClock(wallMs);
  const recording = createRecordingRunner(clock);
  const engine = makeEngine({ dataDir, clock, host, runners: [runner ?? recording] });
  await engine.start();
  return { engine, clock, runner: recording };
}

describe('an engine that lost the data folder lease while frozen', () => {
  it('refuses a manual run once another engine holds the lease, before its own refresh has noticed', async () => {
    const dataDir = tempDir();
    const a = await serve(dataDir, 'host-a', Date.parse('2026-05-04T10:00:00.500Z'));
    a.engine.saveSchedule(scheduleSpec({ name: 'manual', job }));
    a.clock.freeze(FREEZE_MS);
    const b = await serve(dataDir, 'host-b', a.clock.now());

    // A's housekeeping (the refresh) is overdue but has not run: only the fence stands in the way.
    expect(() => a.engine.trigger('manual')).toThrow(LeaseLostError);
    expect(() => a.engine.trigger('manual')).toThrow(/no longer holds the data folder lease: the engine with pid \d+ on host-b/);
    expect(b.engine.listRuns({})).toEqual([]);
    expect(a.runner.calls).toEqual([]);
    await expect(a.engine.whenStopped()).rejects.toThrow(LeaseLostError);
  });

  it('starts no more scheduled runs once resumed: each occurrence runs once, on the new owner', async () => {
    const dataDir = tempDir();
    const a = await serve(dataDir, 'host-a', Date.parse('2026-05-04T10:00:00.500Z'));
    a.engine.saveSchedule(scheduleSpec({ name: 'every-5s', cron: '*/5 * * * * *', overlap: 'parallel', maxParallel: 5, job }));
    for (let i = 0; i < 10; i += 1) {
      a.clock.advance(1_000);
      await settle(a.engine);
    }
    expect(a.runner.calls.length).toBe(2);
    a.clock.freeze(FREEZE_MS);
    const frozenUntil = a.clock.now();
    const b = await serve(dataDir, 'host-b', frozenUntil);

    // Both run side by side for 30 s: A resumes (its overdue timers fire first), then one step each.
    for (let i = 0; i < 30; i += 1) {
      a.clock.advance(1_000);
      await settle(a.engine);
      b.clock.advance(1_000);
      await settle(b.engine);
    }

    expect(a.runner.calls.filter((c) => c.calledAt >= frozenUntil)).toEqual([]);
    const rows = b.engine.listRuns({ limit: 1000 }).filter((r) => r.scheduledFor > Date.parse('2026-05-04T10:00:10Z'));
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(new Set(rows.map((r) => r.scheduledFor)).size).toBe(rows.length);
    expect(rows.every((r) => r.host === 'host-b')).toBe(true);
    await expect(a.engine.whenStopped()).rejects.toThrow(/no longer holds the data folder lease/);
    expect(a.engine.state().serving).toBe(false);
  });

  it('aborts the run it was running, and leaves the new owner\'s record of it (interrupted, retried) alone', async () => {
    const dataDir = tempDir();
    const reasons: unknown[] = [];
    const waitsForAbort: Runner = {
      type: 'process',
      run: (ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            reasons.push(ctx.signal.reason);
            resolve({ ok: false, error: 'stopped by its signal' });
          });
        }),
    };
    const a = await serve(dataDir, 'host-a', Date.parse('2026-05-04T10:00:00.500Z'), waitsForAbort);
    a.engine.saveSchedule(scheduleSpec({ name: 'long', job, retry: { maxRetries: 2, delaySeconds: 600 } }));
    const run = a.engine.trigger('long');
    expect(run.status).toBe('running');
    a.clock.freeze(FREEZE_MS);
    const b = await serve(dataDir, 'host-b', a.clock.now());
    const recorded = b.engine.getRun(run.id);
    expect(recorded).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/stopped unexpectedly/) });

    a.clock.runAllDue();
    await waitFor(() => reasons.length > 0, 5_000, 'the run on A to be aborted');
    expect(reasons[0]).toBeInstanceOf(RunCancelledError);
    expect((reasons[0] as Error).message).toMatch(/loss of the data folder lease/);
    await expect(a.engine.whenStopped()).rejects.toThrow(LeaseLostError);

    expect(b.engine.getRun(run.id)).toEqual(recorded);
    const chain = b.engine.listRuns({ chainId: run.chainId });
    expect(chain.map((r) => [r.attempt, r.status])).toEqual([[1, 'queued'], [0, 'interrupted']]);
  });
});

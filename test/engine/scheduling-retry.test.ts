/**
 * Retries and history retention through the whole engine on a fake clock. The runner is a
 * recording double registered as 'process' (see recording-runner.ts) that fails when scripted;
 * the real process runner has its own tests with real processes.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src-main/engine/engine.ts';
import { outputPath } from '../../src-main/engine/store/output-files.ts';
import type { Run } from '../../src-main/engine/types.ts';
import { makeEngine, scheduleSpec, tempDir, waitFor } from '../helpers/engine-harness.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { advanceInSteps, createRecordingRunner, settle, type Script } from '../helpers/recording-runner.ts';

const job = { type: 'process', executablePath: 'recorded-by-test', arguments: [] };
const at = (iso: string) => Date.parse(iso);
const isoOf = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const SECOND = 1_000;
const DAY = 24 * 3_600_000;
const fail: Script = () => ({ ok: false, exitCode: 1, error: 'scripted failure' });
const failFirst: Script = (call) => (call.attempt === 0 ? fail(call) : { ok: true });

const chain = (engine: Engine, name: string): Run[] =>
  engine.listRuns({ scheduleId: engine.getSchedule(name).id, limit: 1000 }).sort((a, b) => a.attempt - b.attempt);

describe('scheduling through the engine: retries and retention', () => {
  it('a failing scheduled run is retried 30 s and then 60 s after each failure, when the clock reaches the due time', async () => {
    const clock = createFakeClock(at('2026-05-04T09:59:30Z'));
    const runner = createRecordingRunner(clock, { script: fail });
    const engine = makeEngine({ clock, runners: [runner] });
    await engine.start();
    const retry = { maxRetries: 2, delaySeconds: 30, multiplier: 2, jitter: 0 };
    engine.saveSchedule(scheduleSpec({ name: 'flaky', cron: '0 10 * * *', job, retry }));

    await advanceInSteps(engine, clock, 31 * SECOND, SECOND);
    const [first, queued] = chain(engine, 'flaky') as [Run, Run];
    expect(first).toMatchObject({ status: 'failed', attempt: 0, trigger: 'schedule', finishedAt: at('2026-05-04T10:00:00Z') });
    expect(queued).toMatchObject({ status: 'queued', attempt: 1, trigger: 'retry', chainId: first.id });
    expect(queued.dueAt).toBe(first.finishedAt! + 30 * SECOND);
    expect(queued.scheduledFor).toBe(queued.dueAt);

    await advanceInSteps(engine, clock, 90 * SECOND, SECOND);

    expect(runner.calls.map((c) => [c.attempt, c.trigger, isoOf(c.calledAt)])).toEqual([
      [0, 'schedule', '10:00:00'],
      [1, 'retry', '10:00:30'],
      [2, 'retry', '10:01:30'],
    ]);
    const runs = chain(engine, 'flaky');
    expect(runs.map((r) => [r.attempt, r.trigger, r.status])).toEqual([
      [0, 'schedule', 'failed'],
      [1, 'retry', 'failed'],
      [2, 'retry', 'failed'],
    ]);
    expect(runs[2]!.dueAt).toBe(runs[1]!.finishedAt! + 60 * SECOND);
    for (const run of runs.slice(1)) {
      expect(run.scheduledFor).toBe(run.dueAt);
      expect(run.startedAt).toBe(run.dueAt);
    }
    expect(runs[2]!.errorDetail).toContain('not retried: all 2 retries used');
  });

  it('a retry pending when the engine stops is still queued after a restart and runs at its due time', async () => {
    const dataDir = tempDir();
    const clock = createFakeClock(at('2026-05-04T09:59:50Z'));
    const runner = createRecordingRunner(clock, { script: failFirst });
    const retry = { maxRetries: 2, delaySeconds: 30, multiplier: 2, jitter: 0 };
    const a = makeEngine({ dataDir, clock, runners: [runner] });
    await a.start();
    a.saveSchedule(scheduleSpec({ name: 'flaky', cron: '0 10 * * *', job, retry }));
    await advanceInSteps(a, clock, 15 * SECOND, SECOND);
    await a.stop();

    clock.advance(5 * SECOND);
    const b = makeEngine({ dataDir, clock, runners: [runner] });
    await b.start();
    await settle(b);
    const pending = chain(b, 'flaky')[1]!;
    expect(pending).toMatchObject({ status: 'queued', attempt: 1, trigger: 'retry', dueAt: at('2026-05-04T10:00:30Z') });

    await advanceInSteps(b, clock, 20 * SECOND, SECOND);

    expect(b.getRun(pending.id)).toMatchObject({ status: 'succeeded', startedAt: at('2026-05-04T10:00:30Z') });
    expect(runner.calls.map((c) => [c.attempt, c.trigger, isoOf(c.calledAt)])).toEqual([
      [0, 'schedule', '10:00:00'],
      [1, 'retry', '10:00:30'],
    ]);
  });

  it('maxTotalSeconds: a retry that would end past the limit is not scheduled, and the last failure says why', async () => {
    const clock = createFakeClock(at('2026-05-04T09:59:30Z'));
    const runner = createRecordingRunner(clock, { script: fail });
    const engine = makeEngine({ clock, runners: [runner] });
    await engine.start();
    const retry = { maxRetries: 5, delaySeconds: 60, multiplier: 2, jitter: 0, maxTotalSeconds: 90 };
    engine.saveSchedule(scheduleSpec({ name: 'bounded', cron: '0 10 * * *', job, retry }));

    await advanceInSteps(engine, clock, 5 * 60 * SECOND, 5 * SECOND);

    const runs = chain(engine, 'bounded');
    expect(runs.map((r) => [r.attempt, r.trigger, r.status])).toEqual([
      [0, 'schedule', 'failed'],
      [1, 'retry', 'failed'],
    ]);
    expect(runs[1]!.errorDetail).toContain('not retried: the next retry (in 120 s) would pass maxTotalSeconds (90 s)');
    expect(engine.state().queued).toBe(0);
  });

  it('daily housekeeping prunes runs older than retentionDays with their output files, and keeps queued runs', async () => {
    const clock = createFakeClock(at('2026-05-04T09:59:30Z'));
    // Over 4 KB, so that each run has an output file (smaller output lives only in the run row).
    const report = 'report line\n'.repeat(400);
    const runner = createRecordingRunner(clock, { stdout: report, script: (c) => (c.scheduleName === 'waits' ? fail(c) : { ok: true }) });
    const engine = makeEngine({ clock, runners: [runner], pollMs: 5_000 });
    engine.store.settings.set('retentionDays', 1);
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'daily', cron: '0 10 * * *', job }));
    const longRetry = { maxRetries: 1, delaySeconds: 3 * 86_400, maxDelaySeconds: 3 * 86_400, jitter: 0 };
    engine.saveSchedule(scheduleSpec({ name: 'waits', cron: '0 0 1 1 *', job, retry: longRetry }));
    const failed = engine.trigger('waits');
    await advanceInSteps(engine, clock, 60 * SECOND, 10 * SECOND);
    const [dayOne] = engine.listRuns({ scheduleId: engine.getSchedule('daily').id }) as [Run];
    const retryRow = chain(engine, 'waits')[1]!;
    expect(retryRow).toMatchObject({ status: 'queued', trigger: 'retry' });
    const dayOneFile = outputPath(engine.store.paths.runs, dayOne.id, 'stdout');
    expect(fs.readFileSync(dayOneFile, 'utf8')).toBe(report);

    await advanceInSteps(engine, clock, 2 * DAY, 3_600_000);

    expect(() => engine.getRun(dayOne.id)).toThrow(/No run with id/);
    expect(() => engine.getRun(failed.id)).toThrow(/No run with id/);
    await waitFor(() => !fs.existsSync(dayOneFile), 5_000, 'the pruned run output file to be removed');
    expect(engine.getRun(retryRow.id).status).toBe('queued');
    const kept = engine.listRuns({ scheduleId: engine.getSchedule('daily').id }).map((r) => r.scheduledFor);
    expect(kept.sort()).toEqual([at('2026-05-05T10:00:00Z'), at('2026-05-06T10:00:00Z')]);
    for (const run of engine.listRuns({ scheduleId: engine.getSchedule('daily').id })) {
      expect(fs.existsSync(outputPath(engine.store.paths.runs, run.id, 'stdout'))).toBe(true);
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src-main/engine/engine.ts';
import { importScheduleFile } from '../../src-main/engine/schedule-service.ts';
import { openStore } from '../../src-main/engine/store/store.ts';
import { isDead, makeEngine, nodeJob, onCleanup, scheduleSpec, startCrashingHost, tempDir, waitFor, waitForEnd } from '../helpers/engine-harness.ts';

/** Sleeps for a long time the first time, and succeeds at once when run again (marker file). */
function onceSlowJob(marker: string) {
  const script = "const fs=require('fs');const m=process.argv[1];if(fs.existsSync(m))process.exit(0);fs.writeFileSync(m,'1');setInterval(()=>{},1000)";
  return { ...nodeJob(script), arguments: ['-e', script, marker] };
}

const retryOnce = { maxRetries: 1, delaySeconds: 0, multiplier: 1, jitter: 0, maxDelaySeconds: 0 };

describe('durability: restarts, crashes and shutdowns lose nothing', () => {
  it('a retry queued before a restart runs after it', async () => {
    const dataDir = tempDir();
    const marker = path.join(dataDir, 'marker');
    const script = "const fs=require('fs');const m=process.argv[1];if(fs.existsSync(m))process.exit(0);fs.writeFileSync(m,'1');process.exit(1)";
    const first = makeEngine({ dataDir });
    await first.start();
    first.saveSchedule(scheduleSpec({
      name: 'retry-later',
      job: { ...nodeJob(script), arguments: ['-e', script, marker] },
      retry: { maxRetries: 1, delaySeconds: 2, multiplier: 1, jitter: 0, maxDelaySeconds: 2 },
    }));
    const run = await waitForEnd(first, first.trigger('retry-later').id);
    expect(run.status).toBe('failed');
    await first.stop({ graceMs: 0 });

    const second = makeEngine({ dataDir });
    const pending = second.listRuns({ chainId: run.chainId, statuses: ['queued'] });
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ trigger: 'retry', attempt: 1 });
    await second.start();
    const retried = await waitForEnd(second, pending[0]!.id);
    expect(retried.status).toBe('succeeded');
    expect(retried.startedAt!).toBeGreaterThanOrEqual(pending[0]!.dueAt);
  });

  it('a run left running by a killed engine is marked interrupted at the next start, its orphaned process ended, and retried', async () => {
    const dataDir = tempDir();
    const marker = path.join(dataDir, 'marker');
    const setup = createEngine({ dataDir });
    setup.saveSchedule(scheduleSpec({ name: 'victim', job: onceSlowJob(marker), retry: retryOnce }));
    await setup.stop();

    const { host, runId, pid } = await startCrashingHost(dataDir, 'victim');
    await waitFor(() => fs.existsSync(marker), 10_000, 'the job to start working');
    host.kill('SIGKILL');
    await new Promise((resolve) => host.once('exit', resolve));

    const engine = makeEngine({ dataDir });
    await engine.start();
    const interrupted = engine.getRun(runId);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error).toMatch(/stopped unexpectedly/);
    expect(interrupted.error).toContain(`its process ${pid} was still running and has been ended`);
    await waitFor(() => isDead(pid), 10_000, 'the orphaned job to end');
    const retry = await waitFor(() => engine.listRuns({ chainId: runId }).find((r) => r.attempt === 1));
    expect(retry.trigger).toBe('retry');
    expect((await waitForEnd(engine, retry.id)).status).toBe('succeeded');
  });

  it('stopping the engine gives running runs the grace period, then ends them as interrupted and retries them at the next start', async () => {
    const dataDir = tempDir();
    const marker = path.join(dataDir, 'marker');
    const engine = createEngine({ dataDir });
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'long', job: onceSlowJob(marker), retry: retryOnce }));
    const queued = engine.trigger('long');
    const running = await waitFor(() => {
      const r = engine.getRun(queued.id);
      return r.status === 'running' && r.pid ? r : undefined;
    });
    await engine.stop({ graceMs: 300 });
    await waitFor(() => isDead(running.pid!), 10_000, 'the job process to end');

    const next = makeEngine({ dataDir });
    const run = next.getRun(queued.id);
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(/Batchlight stopped/);
    const retry = next.listRuns({ chainId: run.chainId, statuses: ['queued'] });
    expect(retry).toHaveLength(1);
    await next.start();
    expect((await waitForEnd(next, retry[0]!.id)).status).toBe('succeeded');
  });

  it('queued runs stay queued across a stop and start', async () => {
    const dataDir = tempDir();
    const engine = createEngine({ dataDir });
    engine.saveSchedule(scheduleSpec({ name: 'waiting', job: nodeJob('0') }));
    const queued = engine.trigger('waiting');
    await engine.stop();
    const next = makeEngine({ dataDir });
    await next.start();
    expect((await waitForEnd(next, queued.id)).status).toBe('succeeded');
  });

  it('a second engine on the same data folder is refused with a message naming the first', async () => {
    const dataDir = tempDir();
    const first = makeEngine({ dataDir });
    await first.start();
    const second = makeEngine({ dataDir });
    await expect(second.start()).rejects.toThrow(new RegExp(`already serving .*pid ${process.pid}`));
  });

  it('a schedule imported by another connection is picked up without a restart', async () => {
    const dataDir = tempDir();
    const engine = makeEngine({ dataDir });
    await engine.start();
    const other = openStore(dataDir);
    onCleanup(() => other.close());
    importScheduleFile(other, { schedules: [scheduleSpec({ name: 'every-second', cron: '* * * * * *', job: nodeJob('0') })], connections: [], settings: {} }, { now: Date.now() });
    const run = await waitFor(() => engine.listRuns({ statuses: ['succeeded'] })[0], 10_000, 'a scheduled run');
    expect(run).toMatchObject({ scheduleName: 'every-second', trigger: 'schedule' });
    expect(run.scheduledFor % 1000).toBe(0);
  });

  it('a run the engine started can be cancelled from another connection', async () => {
    const dataDir = tempDir();
    const engine = makeEngine({ dataDir });
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'long', job: nodeJob('setInterval(()=>{},1000)') }));
    const queued = engine.trigger('long');
    await waitFor(() => engine.getRun(queued.id).status === 'running');
    const other = createEngine({ dataDir });
    onCleanup(() => other.stop());
    expect(other.cancel(queued.id, 'cli:someone').status).toBe('running');
    const run = await waitForEnd(engine, queued.id);
    expect(run.status).toBe('cancelled');
  });

  it('an edited migration stops start-up with a clear error naming the file', () => {
    const dataDir = tempDir();
    createEngine({ dataDir }).stop();
    const db = openStore(dataDir);
    db.db.prepare("UPDATE schema_migrations SET sha256 = 'deadbeef' WHERE version = 1").run();
    db.close();
    expect(() => createEngine({ dataDir })).toThrow(/0001_init\.sql was changed after it was applied/);
    expect(fs.existsSync(path.join(dataDir, 'batchlight.db'))).toBe(true);
  });
});

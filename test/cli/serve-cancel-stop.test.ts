import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDead, waitFor } from '../helpers/engine-harness.ts';
import { cli, cliJson, dataFolder, LONG_JOB_SCRIPT, nodeSchedule, readJobPids, seed, startServe, storeView, type RunJson, writeScheduleFile } from './helpers.ts';

/** Imports a long-running schedule (and settings), starts serve, triggers it, waits until its job is up. */
async function serveWithLongRun(settings: Record<string, unknown> = {}) {
  const dir = dataFolder();
  const pidFile = path.join(dir, 'job-pids.json');
  const file = writeScheduleFile(dir, { schedules: [nodeSchedule('long', LONG_JOB_SCRIPT, {}, [pidFile])], settings });
  expect((await cli(['import', file, '--data', dir])).code).toBe(0);
  const server = await startServe(dir);
  const started = await cliJson<RunJson>(['trigger', 'long', '--json', '--data', dir]);
  expect(started.status).toBe('running');
  const pids = await waitFor(() => readJobPids(pidFile), 20_000, 'the job to write its pids');
  return { dir, server, runId: started.id, pids, view: storeView(dir) };
}

const show = (dir: string, id: string) => cliJson<RunJson>(['show', id, '--json', '--data', dir]);

describe('batchlight serve: cancelling and stopping running runs', { timeout: 60_000 }, () => {
  it('cancel RUN_ID of a run the server started ends it as cancelled, its process tree too', async () => {
    const { dir, server, runId, pids, view } = await serveWithLongRun();
    expect(pids.ppid).toBe(server.pid);
    const result = await cli(['cancel', runId, '--data', dir]);
    expect(result.code).toBe(0);
    await waitFor(() => view.getRun(runId).status !== 'running', 20_000, 'the run to end');
    expect((await show(dir, runId)).status).toBe('cancelled');
    await waitFor(() => isDead(pids.pid) && isDead(pids.grandchild), 20_000, 'the job tree to end');
  });

  it('SIGTERM with a run in progress: serve exits 0 after the grace period, the run is interrupted, its tree is gone', async () => {
    const { dir, server, runId, pids } = await serveWithLongRun({ graceSeconds: 1 });
    process.kill(server.pid, 'SIGTERM');
    const exit = await Promise.race([
      server.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: undefined });
    expect(isDead(pids.pid)).toBe(true);
    expect(isDead(pids.grandchild)).toBe(true);
    const run = await show(dir, runId);
    expect(run.status).toBe('interrupted');
    expect(run.finishedAt).not.toBeNull();
  });

  it('a second SIGTERM while serve waits out the grace period exits at once and still ends the job tree', async () => {
    const { server, pids } = await serveWithLongRun();
    process.kill(server.pid, 'SIGTERM');
    await waitFor(() => /SIGTERM received/.test(server.output()), 20_000, 'serve to start stopping');
    process.kill(server.pid, 'SIGTERM');
    const exit = await Promise.race([
      server.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ]);
    expect(exit).toEqual({ code: 1, signal: undefined });
    await waitFor(() => isDead(pids.pid) && isDead(pids.grandchild), 20_000, 'the job tree to end');
  });

  it('cancel of a run that has already ended exits 1 with a one-line reason', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('quick', '')] });
    const run = await cliJson<RunJson>(['trigger', 'quick', '--wait', '--json', '--data', dir]);
    const result = await cli(['cancel', run.id, '--data', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/already ended \(succeeded\)/);
  });
});

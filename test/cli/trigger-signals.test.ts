import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDead, onCleanup, waitFor } from '../helpers/engine-harness.ts';
import { cli, dataFolder, killProcessGroup, LONG_JOB_SCRIPT, nodeSchedule, readJobPids, seed, spawnCli, type RunJson } from './helpers.ts';

/** A folder with schedule `job`: long-running (writing its pids) unless given `--param Mode=quick`. */
async function folderWithLongJob() {
  const dir = dataFolder();
  const pidFile = path.join(dir, 'job-pids.json');
  await seed(dir, {
    schedules: [nodeSchedule('job', LONG_JOB_SCRIPT, { parameters: [{ name: 'Mode', type: 'string', value: 'long' }] }, [pidFile, '{Mode}'])],
  });
  return { dir, pidFile };
}

describe('batchlight trigger (in-process) and signals', { timeout: 60_000 }, () => {
  it('Ctrl+C on trigger --wait cancels the run: it is recorded as cancelled and its process tree ends', async () => {
    const { dir, pidFile } = await folderWithLongJob();
    const triggering = spawnCli(['trigger', 'job', '--wait', '--json', '--data', dir]);
    const pids = await waitFor(() => readJobPids(pidFile), 20_000, 'the job to write its pids');
    onCleanup(() => killProcessGroup(pids.pid));
    process.kill(triggering.pid, 'SIGINT');
    const result = await triggering.result;
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as RunJson).status).toBe('cancelled');
    await waitFor(() => isDead(pids.pid) && isDead(pids.grandchild), 20_000, 'the job tree to end');
  });

  it('a run left running by a trigger that was killed outright is recorded as interrupted and does not block the next trigger', async () => {
    const { dir, pidFile } = await folderWithLongJob();
    const crashed = spawnCli(['trigger', 'job', '--wait', '--json', '--data', dir]);
    const pids = await waitFor(() => readJobPids(pidFile), 20_000, 'the job to write its pids');
    onCleanup(() => killProcessGroup(pids.pid));
    process.kill(crashed.pid, 'SIGKILL');
    await crashed.result;
    const next = await cli(['trigger', 'job', '--wait', '--json', '--param', 'Mode=quick', '--data', dir]);
    expect(next.code).toBe(0);
    expect((JSON.parse(next.stdout) as RunJson).status).toBe('succeeded');
    const runs = JSON.parse((await cli(['runs', '--json', '--data', dir])).stdout) as RunJson[];
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'interrupted']);
  });
});
